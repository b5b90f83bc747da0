"""`make diagrams`: every diagram renders to PNG and to a self-contained SVG, on any machine (no system Graphviz:
graphviz-pure lays them out, resvg-py rasterises the PNG)."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

ARCHITECTURE = Path(__file__).resolve().parents[1] / "architecture"


def load_renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("architecture_render", ARCHITECTURE / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("architecture")
    written: list[Path] = load_renderer().render(out)
    return written


def test_every_diagram_is_rendered_as_png_and_svg(rendered: list[Path]) -> None:
    names = {path.stem for path in rendered}
    assert names == {"account-topology", "bootstrap-cicd", "project-provisioning", "template-pipelines", "network"}
    assert sorted(path.suffix for path in rendered) == [".png"] * 5 + [".svg"] * 5


def test_pngs_are_real_images(rendered: list[Path]) -> None:
    for path in rendered:
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
            assert path.stat().st_size > 10_000, path


def test_svgs_embed_their_icons_instead_of_pointing_into_site_packages(rendered: list[Path]) -> None:
    for path in rendered:
        if path.suffix == ".svg":
            text = path.read_text()
            ET.fromstring(text)  # noqa: S314 -- our own output; checks it is well-formed XML
            assert "site-packages" not in text, path
            assert "data:image/png;base64," in text, path


def test_the_readme_shows_the_committed_images() -> None:
    readme = (ARCHITECTURE.parent / "README.md").read_text()
    for name in ("account-topology", "bootstrap-cicd", "project-provisioning", "template-pipelines"):
        assert f"architecture/{name}.png" in readme
        assert (ARCHITECTURE / f"{name}.png").is_file()


def test_pngs_show_the_icons_the_svgs_embed(rendered: list[Path], tmp_path: Path) -> None:
    """graphviz-pure's own PNG leaves node images out, so the PNG is rasterised from the SVG: the icons make up
    most of its bytes (the same SVG without its images rasterises to a far smaller PNG)."""
    import re

    renderer = load_renderer()
    svg = next(path for path in rendered if path.name == "project-provisioning.svg")
    bare = tmp_path / "bare.svg"
    bare.write_text(re.sub(r"<image[^>]*/>", "", svg.read_text()))
    renderer.rasterise(bare, tmp_path / "bare.png")
    with_icons = svg.with_suffix(".png").stat().st_size
    assert with_icons > 2 * (tmp_path / "bare.png").stat().st_size


def test_the_renderer_needs_no_system_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = load_renderer()
    monkeypatch.setenv("PATH", "/nonexistent")
    assert renderer.layout_engine().name == "graphviz-pure"


def test_a_machine_without_a_sans_font_is_told_which_to_install(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        load_renderer().sans_font((tmp_path,))
    assert "apt-get install fonts-dejavu-core" in str(stopped.value)


def test_the_first_installed_sans_font_is_used(tmp_path: Path) -> None:
    (tmp_path / "truetype" / "liberation").mkdir(parents=True)
    (tmp_path / "truetype" / "liberation" / "LiberationSans-Regular.ttf").write_bytes(b"")
    assert load_renderer().sans_font((tmp_path,)) == "Liberation Sans"
