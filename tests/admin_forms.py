"""Submit an admin form the way a browser does: read the fields (and their current
values) from the page that was served, change some, and post them back."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs = []
        self.in_form = False
        self.select = None
        self.textarea = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.pairs.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.pairs.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.text = name, []

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that opens a textarea's content.
            value = "".join(self.text).removeprefix("\n")
            self.pairs.append((self.textarea, value))
            self.textarea = None
        elif tag == "form":
            self.in_form = False

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)


def form_data(response):
    """The admin form's fields on the page, as a dict for the test client (lists for
    fields with several values). Inline templates (__prefix__) are left out."""
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.pairs:
        if "__prefix__" in name:
            continue
        data.setdefault(name, []).append(value)
    return {
        name: values[0] if len(values) == 1 else values for name, values in data.items()
    }


def add_update(data, **fields):
    """Fill in the inline's blank progress-update row."""
    index = int(data["updates-TOTAL_FORMS"]) - 1
    for name, value in fields.items():
        data[f"updates-{index}-{name}"] = value
    return data
