"""Places named in a sentence, from the gazetteer of the load stage."""
from __future__ import annotations



from dvlib.load.gazetteer import find_places

# --------------------------------------------------------------------------- places

def find_place_entities(text: str) -> list[dict] | None:
    out = []
    for p in find_places(text):
        detail = f"level={p.get('level', '')};province={p.get('province', '')}"
        if p.get("district") and p.get("level") != "district":
            detail += f";district={p['district']}"
        if p.get("ambiguous"):
            detail += ";ambiguous=1"
        out.append(dict(start=p["start"], end=p["end"], text=text[p["start"]:p["end"]],
                        normalised=p.get("canonical") or p.get("name", ""), detail=detail))
    return out


