"""API shapes of the applicant's side. Input and output serializers are separate where the
shapes differ (the identity number goes in clear, comes out masked)."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from applicants.forms import PRIOR_SERVICE_FIELDS, PROFILE_FIELDS, validate_pdf
from applicants.models import Document, DocumentKind
from lis1.rounds import identity
from lis1.rounds.eligibility import PRIOR_SERVICE_MESSAGE
from lis1.rounds.models import (
    POSITION_FIELDS,
    Applicant,
    ApplicantRanking,
    Application,
    Couple,
    CouplePreference,
    Placement,
    Position,
)


class ApplicantProfileSerializer(serializers.ModelSerializer):
    national_id = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="11 digits; never returned."
    )
    national_id_masked = serializers.SerializerMethodField()

    class Meta:
        model = Applicant
        fields = [*PROFILE_FIELDS, "national_id_masked", "is_d_number"]
        read_only_fields = ["is_d_number"]
        # The rule's own words, as on the profile page (lis1.rounds.eligibility).
        extra_kwargs = {
            field: {
                "error_messages": {
                    "max_value": PRIOR_SERVICE_MESSAGE,
                    "min_value": PRIOR_SERVICE_MESSAGE,
                }
            }
            for field in PRIOR_SERVICE_FIELDS
        }

    def get_national_id_masked(self, applicant: Applicant) -> str:
        return applicant.national_id_masked(show_birth_date=True)

    def validate_national_id(self, value: str) -> str:
        number = identity.normalise_identity_number(value or "")
        if not number:
            return ""
        try:
            identity.validate_identity_number(number)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None
        taken = (
            Applicant.objects.filter(national_id_hash=identity.hash_identity_number(number))
            .exclude(pk=getattr(self.instance, "pk", 0) or 0)
            .exists()
        )
        if taken:
            raise serializers.ValidationError("An applicant with this identity number exists.")
        return number

    def validate_hpr_number(self, value: str) -> str:
        if (
            value
            and Applicant.objects.filter(hpr_number=value)
            .exclude(pk=getattr(self.instance, "pk", 0) or 0)
            .exists()
        ):
            raise serializers.ValidationError("An applicant with this HPR number exists.")
        return value

    def update(self, instance: Applicant, validated_data: dict[str, Any]) -> Applicant:
        number = validated_data.pop("national_id", "")
        if number:
            instance.set_national_id(number)
        return super().update(instance, validated_data)


class ApplicantDocumentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True, help_text="PDF, at most 10 MB.")
    kind = serializers.ChoiceField(choices=DocumentKind.choices)

    class Meta:
        model = Document
        fields = ["id", "kind", "title", "file", "size", "uploaded_at"]
        read_only_fields = ["size", "uploaded_at"]

    def validate_file(self, upload: Any) -> Any:
        try:
            validate_pdf(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None
        return upload


class ApplicantDocumentReplaceSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, at most 10 MB.")

    def validate_file(self, upload: Any) -> Any:
        return ApplicantDocumentSerializer.validate_file(self, upload)


class ApplicantPositionSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name")
    region = serializers.CharField(source="employer.region.name", default=None)
    sites = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    municipality = serializers.CharField(source="municipality.name", default=None)
    municipal_area = serializers.CharField(source="municipal_area.name", default=None)

    class Meta:
        model = Position
        fields = [
            "id",
            "employer",
            "region",
            *POSITION_FIELDS,
        ]


class ApplicantApplicationSerializer(serializers.ModelSerializer):
    documents = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "position",
            "motivation",
            "status",
            "submitted_at",
            "withdrawn_at",
            "documents",
        ]

    def get_documents(self, application: Application) -> list[int]:
        return [a.document_id for a in application.attachments.all()]


class ApplicantApplicationCreateSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    motivation = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    documents = serializers.ListField(child=serializers.IntegerField(), required=False)


class ApplicantRankingEntrySerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="position.title")

    class Meta:
        model = ApplicantRanking
        fields = ["rank", "position", "title"]


class ApplicantRankingOrderSerializer(serializers.Serializer):
    positions = serializers.ListField(
        child=serializers.IntegerField(), help_text="Position ids, most wanted first."
    )


class ApplicantPlacementSerializer(serializers.ModelSerializer):
    position = ApplicantPositionSerializer()
    answer_deadline = serializers.DateTimeField(
        source="deadline",
        read_only=True,
        help_text="The offer's own deadline, else its run's, else the round's.",
    )

    class Meta:
        model = Placement
        fields = [
            "id",
            "position",
            "status",
            "choice_rank",
            "answer_deadline",
            "answered_at",
            "ended_at",
        ]


class ApplicantPlacementAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class ApplicantPlacementWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text="Optional; kept with the placement.",
    )


class ApplicantCoupleSerializer(serializers.ModelSerializer):
    round = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    first_name = serializers.CharField(
        source="first.full_name", read_only=True, help_text="The inviter."
    )
    second_name = serializers.CharField(
        source="second.full_name", read_only=True, help_text="The invited partner."
    )
    side = serializers.SerializerMethodField(
        help_text="Which member you are: first (you invited) or second (you were invited; "
        "only the second answers an invitation)."
    )

    class Meta:
        model = Couple
        fields = [
            "id",
            "round",
            "status",
            "first_name",
            "second_name",
            "side",
            "invited_at",
            "accepted_at",
        ]
        read_only_fields = fields

    def get_side(self, couple: Couple) -> Literal["first", "second"]:
        return "first" if couple.first_id == self.context["applicant"].pk else "second"


class ApplicantCoupleInviteSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The e-mail address the partner logs in with.")


class ApplicantCoupleAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class ApplicantCouplePairSerializer(serializers.ModelSerializer):
    first_title = serializers.CharField(
        source="first_position.title", default=None, allow_null=True, read_only=True
    )
    second_title = serializers.CharField(
        source="second_position.title", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = CouplePreference
        fields = ["rank", "first_position", "first_title", "second_position", "second_title"]
        read_only_fields = fields


class ApplicantCouplePairInputSerializer(serializers.Serializer):
    first_position = serializers.IntegerField(
        allow_null=True, default=None, help_text="The first member's position, or null."
    )
    second_position = serializers.IntegerField(
        allow_null=True, default=None, help_text="The second member's position, or null."
    )


class ApplicantCouplePairsSerializer(serializers.Serializer):
    pairs = ApplicantCouplePairInputSerializer(
        many=True,
        help_text="The whole list, most wanted pair first. Each side is a position that member "
        "applied to, or null (that member stays unplaced); not both null.",
    )
