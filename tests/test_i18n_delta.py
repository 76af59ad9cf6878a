"""``scripts/i18n_delta.py``: what another language lacks against Russian, and writing it in."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import polib
import pytest

pytestmark = pytest.mark.i18n

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def delta_script(tmp_path, monkeypatch):
    """The script, pointed at a Russian and an Uzbek catalogue in a temporary folder."""
    spec = importlib.util.spec_from_file_location("i18n_delta", ROOT / "scripts" / "i18n_delta.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path / "locale"
    for language, plural, entries in (
        ("ru", "nplurals=2; plural=(n != 1);", [("Log in", "Войти"), ("Help", "Помощь"), ("Save", "Сохранить")]),
        ("uz", "nplurals=1; plural=0;", [("Log in", "Kirish"), ("Help", ""), ("Gone", "Ketdi")]),
    ):
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language, "Plural-Forms": plural}
        for msgid, msgstr in entries:
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        if language == "ru":
            po.append(
                polib.POEntry(
                    msgid="%(n)s file",
                    msgid_plural="%(n)s files",
                    msgstr_plural={0: "%(n)s файл", 1: "%(n)s файлов"},
                    flags=["python-format"],
                )
            )
        (folder / language / "LC_MESSAGES").mkdir(parents=True)
        po.save(str(folder / language / "LC_MESSAGES" / "django.po"))
    monkeypatch.setattr(module, "CATALOGUES", {"locale": folder})
    monkeypatch.setattr(module, "ROOT", tmp_path)
    return module, folder


def test_delta_lists_missing_untranslated_and_leftover_entries(delta_script, capsys):
    """An empty entry and absent ones are to translate; one no longer in Russian is left over."""
    module, _folder = delta_script
    found = module.report()["locale"]["uz"]
    assert [(item["state"], item["msgid"]) for item in found["missing"]] == [
        ("untranslated", "Help"),
        ("missing", "Save"),
        ("missing", "%(n)s file"),
    ]
    assert found["missing"][2]["ru"] == ["%(n)s файл", "%(n)s файлов"]
    assert found["leftover"] == [{"msgctxt": None, "msgid": "Gone"}]
    assert module.main([]) == 1
    assert "locale/uz: 3 to translate, 1 left over" in capsys.readouterr().out


def test_delta_applies_translations_and_compiles(delta_script, tmp_path, capsys):
    """Translations from the JSON listing are written with the right plural count and compiled."""
    module, folder = delta_script
    module.main(["--json"])
    listing = json.loads(capsys.readouterr().out)
    filled = {"Help": "Yordam", "Save": "Saqlash", "%(n)s file": ["%(n)s ta fayl"]}
    for item in listing["locale"]["uz"]:
        value = filled[item["msgid"]]
        item["msgstr_plural" if isinstance(value, list) else "msgstr"] = value
    path = tmp_path / "done.json"
    path.write_text(json.dumps(listing), encoding="utf-8")
    assert module.main(["--apply", str(path)]) == 0
    assert module.report()["locale"]["uz"]["missing"] == []
    compiled = polib.mofile(str(folder / "uz" / "LC_MESSAGES" / "django.mo"))
    assert {entry.msgid: entry.msgstr for entry in compiled if not entry.msgid_plural}["Save"] == "Saqlash"
    plural = next(
        entry for entry in polib.pofile(str(folder / "uz" / "LC_MESSAGES" / "django.po")) if entry.msgid_plural
    )
    assert plural.msgstr_plural == {0: "%(n)s ta fayl"}
    assert "python-format" in plural.flags


def test_delta_refuses_a_wrong_number_of_plural_forms(delta_script, tmp_path):
    """A plural entry with Russian's two forms is refused for Uzbek's one."""
    module, _folder = delta_script
    path = tmp_path / "bad.json"
    item = {"msgid": "%(n)s file", "msgid_plural": "%(n)s files", "msgstr_plural": ["a", "b"]}
    path.write_text(json.dumps({"locale": {"uz": [item]}}), encoding="utf-8")
    assert module.apply(json.loads(path.read_text())) == ["locale/uz: 1 plural forms wanted: '%(n)s file'"]
