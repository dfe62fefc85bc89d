"""Course images: real pixels, orientation, transparency, modes, limits, the cache and the privacy rule."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw

from coursegen.commands.check import check
from coursegen.commands.options import Options
from coursegen.images import pixels
from coursegen.images.derived import Spec
from tests.conftest import course

RED, BLUE, WHITE = (220, 30, 30), (30, 60, 220), (255, 255, 255)


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def centre_marked(width: int, height: int) -> Image.Image:
    """A wide or tall image: blue, with a red square exactly where a center crop must land."""
    image = Image.new("RGB", (width, height), BLUE)
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    ImageDraw.Draw(image).rectangle((left, top, left + side - 1, top + side - 1), fill=RED)
    return image


def close(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour))


def square_of(data: bytes, size: int = 64) -> Image.Image:
    made = pixels.render(data, [Spec("square", size, "jpeg")])[Spec("square", size, "jpeg")]
    image = Image.open(io.BytesIO(made.data))
    assert image.size == (made.width, made.height)
    return image.convert("RGB")


def fetch(project, url: str) -> Image.Image:
    path = url.removeprefix("https://academy.test/")
    return Image.open(project.out / "public" / path)


# Pixels ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("width,height", [(3000, 1000), (700, 2100), (801, 800)])
def test_center_crop_keeps_the_middle(width, height):
    image = square_of(encode(centre_marked(width, height)), 128)
    assert image.size == (128, 128)
    for x, y in ((2, 2), (125, 2), (2, 125), (125, 125), (64, 64)):
        assert close(image.getpixel((x, y)), RED), (x, y, image.getpixel((x, y)))


@pytest.mark.parametrize("size", [100, 40])  # 40: the source is first reduced by a whole factor
def test_exif_orientation_is_applied(size):
    image = Image.new("RGB", (400, 200), BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, 199, 199), fill=RED)  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90° clockwise: the left half becomes the top
    data = encode(image, "JPEG", exif=exif.tobytes(), quality=95)
    assert pixels.inspect(data) == pixels.SourceInfo("JPEG", 200, 400)
    square = square_of(data, size)
    assert close(square.getpixel((size // 2, 2)), RED) and close(square.getpixel((size // 2, size - 3)), BLUE)


def test_transparency_is_flattened_onto_white():
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((80, 80, 120, 120), fill=RED + (255,))
    square = square_of(encode(image), 100)
    assert close(square.getpixel((2, 2)), WHITE, 5) and close(square.getpixel((50, 50)), RED)


@pytest.mark.parametrize("make", [
    lambda: encode(Image.new("CMYK", (300, 300), (0, 220, 220, 30)), "JPEG"),
    lambda: encode(Image.new("RGB", (300, 300), RED).convert("P", palette=Image.Palette.ADAPTIVE)),
    lambda: encode(Image.new("L", (300, 300), 128)),
    lambda: encode(Image.new("RGB", (300, 300), RED), "WEBP"),
], ids=["cmyk-jpeg", "palette-png", "grey-png", "webp"])
def test_other_modes_and_formats_become_rgb(make):
    square = square_of(make(), 50)
    assert square.mode == "RGB" and square.size == (50, 50)
    assert square.getpixel((25, 25)) != (0, 0, 0)


def test_gif_uses_its_first_frame():
    frames = [Image.new("RGB", (120, 120), RED), Image.new("RGB", (120, 120), BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert close(square_of(data, 60).getpixel((30, 30)), RED)


def test_social_image_is_1200_by_630_with_the_image_on_the_left():
    data = encode(centre_marked(900, 600))
    spec = Spec("social", 0, "jpeg", ("Café Crème: a very long course name that needs wrapping", "Academy"))
    made = pixels.render(data, [spec])[spec]
    image = Image.open(io.BytesIO(made.data)).convert("RGB")
    assert image.size == (made.width, made.height) == (1200, 630)
    assert close(image.getpixel((300, 300)), RED)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_huge_jpeg_is_decoded_at_reduced_scale():
    data = encode(Image.new("L", (10_000, 10_000), 90), "JPEG", quality=50)
    assert pixels.inspect(data) == pixels.SourceInfo("JPEG", 10_000, 10_000)
    with Image.open(io.BytesIO(data)) as image:
        pixels._limit_decoding(image, 1024)
        image.load()
        assert image.size == (1250, 1250)  # 1/8 scale: never 100 megapixels in memory
    assert square_of(data, 1024).size == (1024, 1024)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb."""
    data = bytearray(encode(Image.new("L", (8, 8))))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


def test_decompression_bomb_is_refused():
    problem = pixels.inspect(png_claiming(40_000, 40_000))
    assert problem == ("claims 1,600,000,000 pixels, more than the limit of 100 megapixels: "
                       "refused as a possible decompression bomb")
    assert "12000×9000 pixels" in pixels.inspect(png_claiming(12_000, 9_000))


# Builds ---------------------------------------------------------------------------------------------

def add_image(project, name: str, image: Image.Image, fmt: str = "PNG") -> str:
    project.write(f"images/{name}", encode(image, fmt))
    return f"images/{name}"


def feed_item(project, feed: str, course_id: int) -> dict:
    return next(item for item in project.json(feed)["results"] if item["id"] == course_id)


def test_build_publishes_four_squares_with_their_real_sizes(project):
    project.add(course(1, "Pictured", image_original=add_image(project, "wide.jpg", centre_marked(2400, 1400), "JPEG")))
    assert project.build() == 0
    item = feed_item(project, "public/feeds/open.json", 1)
    for name, size in (("bigger", 1024), ("big", 512), ("medium", 256), ("small", 128)):
        image = fetch(project, item[f"image_{name}"])
        assert image.format == "JPEG" and image.size == (size, size)
        assert close(image.convert("RGB").getpixel((size // 2, 3)), RED)
    page = project.read("public/courses/pictured/index.html")
    assert 'type="image/webp"' in page and 'width="256" height="256"' in page and "1024w" in page
    og = page.split('property="og:image" content="')[1].split('"')[0]
    assert fetch(project, og).size == (1200, 630)
    assert '<meta property="og:image:width" content="1200">' in page


def test_image_sizes_come_from_site_yaml(project):
    project.write("site.yaml", {"title": "T", "base_url": "https://academy.test/",
                                "image_sizes": {"bigger": 300, "small": 40}})
    project.add(course(1, "Pictured", image_original=add_image(project, "a.png", centre_marked(600, 600))))
    assert project.build() == 0
    item = feed_item(project, "public/feeds/open.json", 1)
    assert fetch(project, item["image_bigger"]).size == (300, 300)
    assert fetch(project, item["image_small"]).size == (40, 40)


def test_tiny_source_is_not_enlarged_and_gives_a_located_warning(project):
    project.add(course(1, "Tiny", image_original=add_image(project, "tiny.png", centre_marked(100, 60))))
    result = check(Options(content=project.content, out=project.out))
    assert result.ok
    (warning,) = result.issues
    assert warning.severity == "warning" and warning.field == "image_original"
    assert warning.path.endswith("courses/1.yaml") and warning.line > 1
    assert "100×60" in warning.message and "never enlarged" in warning.message
    assert project.build() == 0
    item = feed_item(project, "public/feeds/open.json", 1)
    assert fetch(project, item["image_bigger"]).size == (60, 60)
    assert item["image_bigger"] == item["image_small"]  # one file, not four copies


def test_authored_og_image_path_is_published_and_url_kept(project):
    project.add(course(1, "Own Og", og_image=add_image(project, "og.png", Image.new("RGB", (1600, 800), RED))),
                course(2, "Url Og", og_image="https://cdn.example.org/og.png"))
    assert project.build() == 0
    first = feed_item(project, "public/feeds/open.json", 1)
    assert fetch(project, first["og_image"]).size == (1200, 600)
    assert first["image_bigger"] == ""  # no image_original: no squares
    assert feed_item(project, "public/feeds/open.json", 2)["og_image"] == "https://cdn.example.org/og.png"


def test_rebuild_with_unchanged_images_does_no_image_work(project, monkeypatch):
    project.add(course(1, "Cached", image_original=add_image(project, "c.png", centre_marked(1200, 1200))))
    assert project.build() == 0
    first = project.public()

    def refuse(*args):
        raise AssertionError("Pillow was called on a cached image")

    monkeypatch.setattr(pixels, "render", refuse)
    monkeypatch.setattr(pixels, "inspect", refuse)
    assert project.build() == 0
    assert project.public() == first


def test_output_is_the_same_without_the_cache(project, tmp_path):
    project.add(course(1, "Same", image_original=add_image(project, "s.png", centre_marked(900, 500))))
    assert project.build() == 0
    first = project.public()
    for entry in sorted((project.root / ".coursegen-cache").rglob("*"), reverse=True):
        entry.rmdir() if entry.is_dir() else entry.unlink()
    assert project.build() == 0
    assert project.public() == first


# Privacy --------------------------------------------------------------------------------------------

@pytest.fixture
def pictured(project):
    """One course of every privacy level, each with its own image."""
    colours = {1: "open", 2: "private", 3: "secret", 4: "draft", 5: "deleted"}
    paths = {n: add_image(project, f"{name}-course.png", Image.new("RGB", (300, 300), (n * 40, 90, 200)))
             for n, name in colours.items()}
    project.add(course(1, "Openly Pictured", image_original=paths[1]),
                course(2, "Lockedroom Pictured", privacy="private", image_original=paths[2]),
                course(3, "Hushhush Pictured", privacy="secret", image_original=paths[3], og_image=paths[3]),
                course(4, "Draftling Pictured", privacy="", image_original=paths[4]),
                course(5, "Erased Pictured", deleted=True, image_original=paths[5]))
    return project


def image_sources(project) -> set[str]:
    files = project.json("restricted/manifest.json")["files"]
    return {entry["source"] for path, entry in files.items() if path.startswith("public/images/")}


def test_only_open_and_private_course_images_reach_public(pictured):
    assert pictured.build() == 0
    assert image_sources(pictured) == {"images/open-course.png", "images/private-course.png"}
    names = [path for path in pictured.public() if path.startswith("images/")]
    assert names and all(len(name.split("/")[1].split(".")[0]) == 16 for name in names)
    for token in ("pictured", "openly", "lockedroom", "hushhush", "draftling", "erased", "secret", "course"):
        assert not any(token in name for name in names)


def test_restricted_feeds_give_no_image_urls_for_secret_and_draft(pictured):
    assert pictured.build() == 0
    for feed, course_id in (("secret", 3), ("draft", 4)):
        item = feed_item(pictured, f"restricted/feeds/{feed}.json", course_id)
        assert [item[f"image_{n}"] for n in ("bigger", "big", "medium", "small")] == [""] * 4
        assert item["og_image"] == "https://academy.test/assets/og-default.png"
    private = feed_item(pictured, "restricted/feeds/private.json", 2)
    assert fetch(pictured, private["image_small"]).size == (128, 128)
    assert 'class="course-image"' in pictured.read("public/courses/lockedroom-pictured/index.html")


def test_preview_publishes_draft_images_but_never_secret_ones(pictured):
    assert pictured.build("--preview") == 0
    assert image_sources(pictured) == {"images/open-course.png", "images/private-course.png",
                                       "images/draft-course.png"}


# Bad input ------------------------------------------------------------------------------------------

def issues_for(project, **fields):
    project.add(course(1, "Broken Image", **fields))
    result = check(Options(content=project.content, out=project.out))
    return [issue for issue in result.issues if issue.is_error]


def line_of(project, field: str) -> int:
    """Return the line of `field:` in course 1's file, as an editor sees it."""
    lines = (project.content / "courses" / "1.yaml").read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(f"{field}:"))


@pytest.mark.parametrize("value,expected", [
    ("/etc/passwd", "found the absolute path '/etc/passwd'"),
    ("C:/photos/a.png", "found the absolute path 'C:/photos/a.png'"),
    ("images/../site.yaml", "climbs out with '..'"),
    ("images\\a.png", "with forward slashes"),
    ("photos/a.png", 'expected a relative path under images/ (such as "images/cafe.jpg"), found the text "photos/a.png"'),
    ("https://cdn.example.org/a.png", "found the URL"),
    ("images/missing.png", "file not found: "),
])
def test_bad_image_paths_are_located_errors(project, value, expected):
    (issue,) = issues_for(project, image_original=value)
    assert expected in issue.message
    assert (issue.field, issue.line, issue.column) == ("image_original", line_of(project, "image_original"), 17)
    assert issue.path.endswith("courses/1.yaml")


def test_bad_files_are_located_errors(project, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(encode(Image.new("RGB", (10, 10))))
    (project.content / "images").mkdir(parents=True)
    (project.content / "images" / "escape.png").symlink_to(outside)
    (project.content / "images" / "folder.png").mkdir()
    project.write("images/notes.png", "just text, not pixels")
    project.write("images/cut.jpg", encode(Image.new("RGB", (400, 400), RED), "JPEG")[:600])
    project.write("images/old.bmp", encode(Image.new("RGB", (40, 40)), "BMP"))
    project.write("images/icon.png", encode(Image.new("RGB", (32, 32)), "ICO"))
    project.write("images/bomb.png", png_claiming(40_000, 40_000))
    cases = {"escape.png": "is a link to a file outside", "folder.png": "is not a file",
             "notes.png": "is not an image: expected a JPEG, PNG, WebP or GIF file",
             "cut.jpg": "is truncated or corrupt", "old.bmp": "is a BMP image; expected JPEG, PNG, WebP or GIF",
             "icon.png": "is an ICO image; expected JPEG, PNG, WebP or GIF",
             "bomb.png": "refused as a possible decompression bomb"}
    for name, expected in cases.items():
        (issue,) = issues_for(project, image_original=f"images/{name}")
        assert expected in issue.message and issue.line == line_of(project, "image_original"), (name, issue)
        assert f"/images/{name}" in issue.message


def test_og_image_path_is_checked_like_image_original(project):
    (issue,) = issues_for(project, og_image="images/nope.jpg")
    assert issue.field == "og_image" and "file not found" in issue.message


def test_check_command_reports_image_errors_with_file_and_line(project, capsys):
    from coursegen.cli import main

    project.add(course(1, "Broken Image", image_original="../secret.png"))
    assert main(["check", "--content", str(project.content)]) == 1
    line = line_of(project, "image_original")
    assert (f"courses/1.yaml:{line}:17: error: image_original: expected a relative path under images/"
            in capsys.readouterr().err)


def test_site_default_image_path_is_checked_and_published(project):
    project.write("site.yaml", {"title": "T", "base_url": "https://academy.test/", "default_image": "images/nope.png"})
    project.add(course(1, "Plain"))
    (issue,) = check(Options(content=project.content, out=project.out)).issues
    assert issue.path.endswith("site.yaml") and issue.field == "default_image" and issue.line == 3
    add_image(project, "nope.png", Image.new("RGB", (1300, 700), BLUE))
    assert project.build() == 0
    og = feed_item(project, "public/feeds/open.json", 1)["og_image"]
    assert og.startswith("https://academy.test/images/") and fetch(project, og).size == (1200, 646)
    assert f'content="{og}"' in project.read("public/index.html")
