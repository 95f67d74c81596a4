"""Read rendered pages the way assistive technology does: by ids and attributes."""

from html.parser import HTMLParser

VOID_TAGS = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "col", "area"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = {}  # id -> {"tag", "attrs", "text"}
        self.by_name = {}  # form control name -> attrs
        self._open = []  # ids whose text is being collected, with their depth

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if "id" in attrs:
            self.elements[attrs["id"]] = {"tag": tag, "attrs": attrs, "text": ""}
        if tag in {"input", "select", "textarea"} and "name" in attrs:
            self.by_name.setdefault(attrs["name"], attrs)
        if tag not in VOID_TAGS:
            self._open.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.elements[element_id]["text"] += data


def parse(response):
    page = _Page()
    page.feed(response.content.decode())
    return page


def text_of(response, element_id):
    element = parse(response).elements.get(element_id)
    assert element is not None, f"no element with id {element_id!r}"
    return " ".join(element["text"].split())


def field_error(response, field):
    """Return the error shown beside ``field``, after checking it is wired up accessibly."""
    page = parse(response)
    error_id = f"id_{field}_error"
    assert error_id in page.elements, f"no error beside {field!r}"
    control = page.by_name[field]
    assert control.get("aria-invalid") == "true", f"{field!r} is not marked aria-invalid"
    assert error_id in control.get("aria-describedby", "").split()
    summary = page.elements.get("error-summary")
    assert summary is not None, "no error summary at the top"
    assert f'href="#id_{field}' in response.content.decode()
    return " ".join(page.elements[error_id]["text"].split())


def has_field_error(response, field):
    return f"id_{field}_error" in parse(response).elements


def value_of(response, field):
    """Return the value a re-shown form holds for ``field`` (selected option for selects)."""
    content = response.content.decode()
    page = parse(response)
    control = page.by_name.get(field)
    assert control is not None, f"no control named {field!r}"
    if "value" in control:
        return control["value"]
    if field in content:
        option_page = _Options(field)
        option_page.feed(content)
        return option_page.selected
    return ""


class _Options(HTMLParser):
    def __init__(self, name):
        super().__init__(convert_charrefs=True)
        self.name, self.inside, self.selected = name, False, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.inside = attrs.get("name") == self.name
        elif tag == "option" and self.inside and "selected" in attrs:
            self.selected = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.inside = False
