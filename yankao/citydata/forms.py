from django import forms
from django.utils.translation import gettext_lazy as _

from yankao.citydata.models import AccessKey
from yankao.core.models import Agency


class KeyForm(forms.Form):
    name = forms.CharField(label=_("Key name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=AccessKey.Kind.choices)
    agency = forms.ModelChoiceField(label=_("Agency (restricted datastreams it may read)"),
                                    queryset=Agency.objects.order_by("code"), required=False)
    thing = forms.TypedChoiceField(label=_("Thing (sensor keys)"), required=False, coerce=int,
                                   empty_value=None)
    rate_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1,
                                         max_value=100_000, initial=120)

    def __init__(self, *args, things=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thing"].choices = [("", "—")] + [(t.pk, t.name) for t in things]
