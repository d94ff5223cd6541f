"""Forms of the applicant's pages. Every message is translatable; errors attach to the field
they are about, so the page can show them beside the field and in the summary."""

from __future__ import annotations

from typing import Any

import magic
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applicants.models import MAX_DOCUMENT_BYTES, Document
from applicants.pdfs import PdfProblem, pdf_problem
from lis1.rounds import identity
from lis1.rounds.eligibility import HOSPITAL_MONTHS, MUNICIPAL_MONTHS, PRIOR_SERVICE_MESSAGE
from lis1.rounds.models import Applicant, Position
from lis1.ui import DesignSystemFormMixin

PDF_MIME = "application/pdf"

PRIOR_SERVICE_FIELDS = ("prior_hospital_months", "prior_municipal_months")

#: What the applicant states about themself, in the page's order: the profile form and the
#: profile API (applicants.serializers) both take these, so a field is added once.
PROFILE_FIELDS = (
    "given_name",
    "family_name",
    "national_id",
    "hpr_number",
    "authorisation",
    "nationality",
    "education_country",
    "education_year",
    "norwegian_proficiency",
    "prior_hospital_months",
    "prior_municipal_months",
    "rounds_before_system",
    "gender",
)


class ProfileForm(DesignSystemFormMixin, forms.ModelForm):
    """The applicant's profile. The identity number is never pre-filled: an empty field keeps
    the saved number, so the clear number only travels when the applicant types it."""

    national_id = forms.CharField(
        label=_("National identity number or D-number"),
        required=False,
        max_length=20,
        help_text=_("11 digits. Leave empty to keep the number already saved."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Applicant
        fields = list(PROFILE_FIELDS)
        help_texts = {
            "hpr_number": _("Your number in the Norwegian health personnel register (digits)."),
            "nationality": _("Two-letter country code, e.g. NO, SE, DE."),
            "education_country": _("Two-letter country code of the country you studied in."),
            "education_year": _("The year you completed your medical degree."),
            "prior_hospital_months": format_lazy(
                _("Months of LIS1 already completed in hospital (0–{months})."),
                months=HOSPITAL_MONTHS,
            ),
            "prior_municipal_months": format_lazy(
                _("Months of LIS1 already completed in a municipality (0–{months})."),
                months=MUNICIPAL_MONTHS,
            ),
            "rounds_before_system": _(
                "How many LIS1 rounds you applied in before this system was used (0–20). "
                "Rounds you applied in here are counted for you."
            ),
            "gender": _("Used only in anonymous statistics."),
        }
        # The rule's own words, not Django's "less than or equal to" (lis1.rounds.eligibility).
        error_messages = {
            field: {"max_value": PRIOR_SERVICE_MESSAGE, "min_value": PRIOR_SERVICE_MESSAGE}
            for field in PRIOR_SERVICE_FIELDS
        }
        widgets = {
            "given_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "family_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "hpr_number": forms.TextInput(attrs={"inputmode": "numeric"}),
            "nationality": forms.TextInput(attrs={"maxlength": 2, "size": 3}),
            "education_country": forms.TextInput(attrs={"maxlength": 2, "size": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.national_id_hash:
            self.fields["national_id"].help_text = _("11 digits.")
        self.fields["norwegian_proficiency"].required = False

    def clean_nationality(self) -> str:
        return self.cleaned_data["nationality"].strip().upper()

    def clean_education_country(self) -> str:
        return self.cleaned_data["education_country"].strip().upper()

    def clean_hpr_number(self) -> str:
        # The database's unique constraint is conditional, so Django would report a clash
        # as a form-wide error; say it beside the field instead.
        number = self.cleaned_data["hpr_number"].strip()
        if (
            number
            and Applicant.objects.filter(hpr_number=number).exclude(pk=self.instance.pk).exists()
        ):
            raise ValidationError(
                _("An applicant with this HPR number already exists."), code="hpr_taken"
            )
        return number

    def clean_national_id(self) -> str:
        number = identity.normalise_identity_number(self.cleaned_data.get("national_id") or "")
        if not number:
            return ""
        identity.validate_identity_number(number)
        taken = (
            Applicant.objects.filter(national_id_hash=identity.hash_identity_number(number))
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if taken:
            raise ValidationError(
                _("An applicant with this identity number already exists."), code="identity_taken"
            )
        return number

    def save(self, commit: bool = True) -> Applicant:
        applicant = super().save(commit=False)
        if self.cleaned_data.get("national_id"):
            applicant.set_national_id(self.cleaned_data["national_id"])
        if commit:
            applicant.save()
        return applicant


PDF_PROBLEM_MESSAGES = {
    PdfProblem.NOT_PARSEABLE: _(
        "The file cannot be read as a PDF document: it is damaged, cut short or another kind "
        "of file. Save or export it as PDF again and upload that."
    ),
    PdfProblem.JAVASCRIPT: _(
        "The PDF contains JavaScript or actions that run by themselves, which are not allowed. "
        "Print or export it as a plain PDF and upload that."
    ),
    PdfProblem.LAUNCH: _(
        "The PDF contains an action that starts a program or opens a file, which is not "
        "allowed. Print or export it as a plain PDF and upload that."
    ),
    PdfProblem.EMBEDDED_FILES: _(
        "The PDF contains attached or embedded files, which are not allowed. Upload each "
        "document as a PDF of its own."
    ),
}


def validate_pdf(upload: UploadedFile) -> None:
    """At most 10 MB, a PDF by its content (libmagic), whatever the file is called, and one that
    parses and carries no JavaScript, launch action or embedded file (applicants.pdfs)."""
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if magic.from_buffer(head, mime=True) != PDF_MIME or not head.lstrip().startswith(b"%PDF-"):
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")
    problem = pdf_problem(upload.read())
    upload.seek(0)
    if problem is not None:
        raise ValidationError(PDF_PROBLEM_MESSAGES[problem], code=problem.value)


class DocumentForm(DesignSystemFormMixin, forms.ModelForm):
    file = forms.FileField(
        label=_("File (PDF, at most 10 MB)"),
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = Document
        fields = ["kind", "title", "file"]
        help_texts = {"title": _("For example “CV 2025” or “Reference from Ullevål”.")}


class DocumentReplaceForm(DesignSystemFormMixin, forms.Form):
    file = forms.FileField(
        label=_("New file (PDF, at most 10 MB)"),
        validators=[validate_pdf],
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ApplyForm(DesignSystemFormMixin, forms.Form):
    motivation = forms.CharField(
        label=_("Short motivation"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why this position? At most 4,000 characters."),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents to send with the application"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, applicant: Applicant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        field.queryset = Document.objects.filter(applicant=applicant)  # type: ignore[attr-defined]
        field.label_from_instance = lambda d: f"{d.title} ({d.get_kind_display()})"  # type: ignore[attr-defined]


class InviteForm(DesignSystemFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your partner's e-mail address"),
        help_text=_("The address your partner logs in with as an applicant."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class PairForm(DesignSystemFormMixin, forms.Form):
    """One pair on a couple's list: a position for each member, or none (stays unplaced)."""

    first = forms.TypedChoiceField(label="", coerce=int, required=False, empty_value=None)
    second = forms.TypedChoiceField(label="", coerce=int, required=False, empty_value=None)

    def __init__(
        self,
        *args: Any,
        first_label: str,
        second_label: str,
        first_positions: list[Position],
        second_positions: list[Position],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        none = [("", _("— no position —"))]
        self.fields["first"].label = first_label
        self.fields["first"].choices = none + [(p.pk, str(p)) for p in first_positions]  # type: ignore[attr-defined]
        self.fields["second"].label = second_label
        self.fields["second"].choices = none + [(p.pk, str(p)) for p in second_positions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("first") is None and cleaned.get("second") is None and not self.errors:
            raise ValidationError(_("At least one of the pair must get a position."))
        return cleaned
