"""The command line as a new user meets it: typed names refused in one line before any work,
--version, help text on every option."""
from __future__ import annotations

import argparse

import pytest

from dvlib.cli import build_parser, main


@pytest.mark.parametrize("command", ["brief", "run"])
def test_unknown_province_is_one_line_exit_2_before_any_work(command, tmp_path, capsys):
    out = tmp_path / "build"
    assert main([command, "--provinces", "Điện Biên", "Hà Lội", "--out", str(out),
                 "--corpus", str(tmp_path / "no-corpus")]) == 2
    err = capsys.readouterr().err
    assert err == 'dvlib: unknown province "Hà Lội"; did you mean "Hà Nội"?\n'
    assert not out.exists()  # nothing was analysed or written


def test_bad_filter_is_one_line_exit_2(tmp_path, capsys):
    assert main(["brief", "--from", "29/12/2023", "--out", str(tmp_path / "b")]) == 2
    assert capsys.readouterr().err.startswith('dvlib: bad date "29/12/2023"')


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("dvlib ")


def test_every_option_has_help_text():
    parser = build_parser()
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for name, sub in [("dvlib", parser)] + list(subs.choices.items()):
        for action in sub._actions:
            if not isinstance(action, argparse._SubParsersAction) and not action.help:
                missing.append(f"{name} {action.dest}")
    assert missing == []
