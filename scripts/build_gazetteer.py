"""Regenerate dvlib/data/gazetteer_*.csv (a maintainer's script, not run by dvlib).

Source: the data of ``vietnam-provinces`` 0.6.0 (63 provinces before the 2025 merger, their
districts and communes), and underthesea's ``convert_address`` for each province's
post-merger province. Usage:

    pip download --no-deps vietnam-provinces==0.6.0 && unzip vietnam_provinces-0.6.0-*.whl
    python scripts/build_gazetteer.py vietnam_provinces/data/nested-divisions.json
"""
import csv
import json
import sys
from pathlib import Path

from underthesea import convert_address

OUT = Path(__file__).resolve().parent.parent / "dvlib" / "data"
PREFIXES = ["Thành phố", "Tỉnh", "Quận", "Huyện", "Thị xã", "Phường", "Xã", "Thị trấn"]


def split_type(name):
    for p in PREFIXES:
        if name.startswith(p + " "):
            return p, name[len(p) + 1:]
    return "", name


def main(path):
    data = json.load(open(path, encoding="utf-8"))
    prov_rows, dist_rows, ward_rows = [], [], []
    for p in data:
        ptype, pname = split_type(p["name"])
        new = convert_address(f"{p['name']}").new.province
        new = split_type(new)[1] if new else ""
        prov_rows.append({"province_code": p["code"], "province": pname, "province_type": ptype,
                          "full_name": p["name"], "province_2025": new})
        for d in p["districts"]:
            dtype, dname = split_type(d["name"])
            dist_rows.append({"district_code": d["code"], "district": dname, "district_type": dtype,
                              "full_name": d["name"], "province": pname})
            for w in d["wards"]:
                wtype, wname = split_type(w["name"])
                ward_rows.append({"ward_code": w["code"], "ward": wname, "ward_type": wtype,
                                  "district": dname, "province": pname})
    for name, rows in [("gazetteer_provinces.csv", prov_rows), ("gazetteer_districts.csv", dist_rows),
                       ("gazetteer_communes.csv", ward_rows)]:
        with open(OUT / name, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        print(name, len(rows))


if __name__ == "__main__":
    main(sys.argv[1])
