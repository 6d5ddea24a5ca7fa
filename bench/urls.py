"""The product's URLs plus a bare-template page, the floor of bench/respondent_page.py.

The bare page renders the same 10 radio groups of 6 options as a respondent page, from a
template compiled once, without database, session or cookie; its POST only reads the 10
fields and redirects. Used only by bench/settings.py, never by the product.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import include, path

OPTIONS = [
    ("1", "Strongly disagree"),
    ("2", "Disagree"),
    ("3", "Neutral"),
    ("4", "Agree"),
    ("5", "Strongly agree"),
    ("dk", "Don't know / not applicable"),
]
ITEMS = [
    (1000 + n, f"Statement {n}: our customers feel heard and helped quickly.") for n in range(1, 11)
]

BARE = engines["django"].from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bare</title></head>
<body><main><form method="post">{% csrf_token %}
{% for pk, text in items %}<fieldset class="q" id="q-{{ pk }}">
<legend>{{ forloop.counter }}. {{ text }}</legend>
<div class="scale">{% for value, label in options %}<label class="opt">
<input type="radio" name="i-{{ pk }}" value="{{ value }}"><span>{{ label }}</span>
</label>{% endfor %}</div>
</fieldset>
{% endfor %}<button type="submit">Next</button></form></main></body></html>"""
)


def bare(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        answers = {pk: request.POST.get(f"i-{pk}") for pk, _ in ITEMS}
        if all(answers.values()):
            return HttpResponseRedirect("/bench/bare/")
        return HttpResponse("incomplete", status=400)
    return HttpResponse(BARE.render({"items": ITEMS, "options": OPTIONS}, request))


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("config.urls")),
]
