from django import forms

from . import faults


class ClockForm(forms.Form):
    days = forms.IntegerField(
        label="Move forward by (days)", min_value=1, max_value=800, required=False
    )
    to_date = forms.DateField(
        label="Or set the date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if not data.get("days") and not data.get("to_date"):
            raise forms.ValidationError("Give a number of days or a date.", code="required")
        return data


class FaultsForm(forms.Form):
    on = forms.MultipleChoiceField(
        label="Faults on",
        required=False,
        choices=[(f.key, f.label) for f in faults.FAULTS],
        widget=forms.CheckboxSelectMultiple,
    )
    delay_minutes = forms.IntegerField(
        label="Delay of held messages (minutes)", min_value=1, max_value=240
    )
    slow_seconds = forms.IntegerField(label="Added latency (seconds)", min_value=1, max_value=30)
    slow_paths = forms.CharField(
        label="Slow pages (path prefixes, one per line)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_slow_paths(self):
        return [line.strip() for line in self.cleaned_data["slow_paths"].splitlines() if line]


class WhyForm(forms.Form):
    user_id = forms.CharField(label="User ID", max_length=150)
