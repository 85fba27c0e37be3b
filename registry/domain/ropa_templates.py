"""The models of the record of processing that supervisory authorities publish: the UK ICO's documentation
template, Ireland's DPC model and France's CNIL "registre des activités de traitement".

Each question has a stable key, whether Art 30 requires it (R) or the authority recommends it (o), the register
topic that answers it, and its wording (CNIL's with the French term first). The wording summarises the
authority's; see ROPA-TEMPLATES.md. Questions about the controller itself are answered once per organisation
(`CONTROLLER_TOPICS`); the others once per processing activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Template(str, Enum):
    """A supervisory authority's model of the record of processing."""

    UK_ICO = "UK_ICO"
    IE_DPC = "IE_DPC"
    FR_CNIL = "FR_CNIL"

    @property
    def slug(self) -> str:
        """Its name in download addresses and on the command line: `uk-ico`, `ie-dpc`, `fr-cnil`."""
        return self.value.lower().replace("_", "-")


TITLES = {
    Template.UK_ICO: "UK ICO documentation template (UK GDPR Art 30, Data Protection Act 2018)",
    Template.IE_DPC: "Data Protection Commission (Ireland) record of processing activities",
    Template.FR_CNIL: "CNIL registre des activités de traitement (France)",
}


@dataclass(frozen=True)
class Question:
    """One question of a template."""

    key: str
    required: bool
    """True where Art 30 itself requires the answer (R); false where the authority recommends it (o)."""
    topic: str
    """What in the register answers it (see services/ropa.py)."""
    english: str
    french: str | None = None

    @property
    def template(self) -> Template:
        return {"ICO": Template.UK_ICO, "DPC": Template.IE_DPC, "CNIL": Template.FR_CNIL}[self.key.split(".")[0]]

    @property
    def wording(self) -> str:
        """The question as a column header shows it: the French term first, then the English, for the CNIL."""
        return f"{self.french}: {self.english}" if self.french else self.english

    @property
    def controller(self) -> bool:
        """Answered once for the organisation rather than per activity."""
        return self.topic in CONTROLLER_TOPICS


CONTROLLER_TOPICS = frozenset({"controller_name", "controller_contact", "controller_name_contact", "dpo",
                               "uk_representative", "eu_representative", "breach_procedure"})
"""Topics about the controller itself: the controller block, answered once."""

Q = Question
QUESTIONS: tuple[Question, ...] = (
    Q('ICO.1.1', True, 'controller_name', 'Legal name of the controller'),
    Q('ICO.1.2', True, 'controller_contact', 'Contact details of the controller'),
    Q('ICO.1.3', True, 'joint_controllers',
      'Joint controllers, if any, and their respective responsibilities (Art 26)'),
    Q('ICO.1.4', True, 'dpo', 'Data protection officer and how to contact them'),
    Q('ICO.1.5', True, 'uk_representative', 'UK representative, where the controller is not established in the UK'),
    Q('ICO.1.6', False, 'role', 'Whether the organisation acts as controller or processor for this activity'),
    Q('ICO.1.7', False, 'department', 'Department (business function) responsible for the activity'),
    Q('ICO.1.8', False, 'stewards', 'Designated data stewards for the activity'),
    Q('ICO.2.1', True, 'purposes', 'Purposes of the processing'),
    Q('ICO.2.2', False, 'description', 'Description of the system or processing activity'),
    Q('ICO.3.1', True, 'data_subjects', 'Categories of individuals'),
    Q('ICO.3.2', True, 'data_categories', 'Categories of personal data'),
    Q('ICO.3.3', False, 'special_or_criminal',
      'Whether special category (Art 9) or criminal offence (Art 10) data is involved'),
    Q('ICO.3.4', False, 'data_sources', 'Source of the personal data'),
    Q('ICO.4.1', True, 'recipients', 'Categories of recipients'),
    Q('ICO.4.2', True, 'third_parties', 'Whether personal data is shared with third parties'),
    Q('ICO.5.1', True, 'transfers', 'Transfers to third countries or international organisations, naming them'),
    Q('ICO.5.2', True, 'transfer_safeguards', 'Safeguards for those transfers'),
    Q('ICO.6.1', True, 'retention', 'Retention period for each category of personal data'),
    Q('ICO.6.2', False, 'retention_policy', 'Link to the retention and erasure policy'),
    Q('ICO.6.3', False, 'retention_adherence', 'Whether the processing adheres to that policy'),
    Q('ICO.6.4', False, 'retention_reason', 'If not, why not'),
    Q('ICO.7.1', True, 'security', 'General description of technical and organisational security measures'),
    Q('ICO.7.2', False, 'locations', 'Where the personal data is located (storage and processing locations)'),
    Q('ICO.8.1', False, 'lawful_basis', 'Art 6 lawful basis'),
    Q('ICO.8.2', True, 'legitimate_interests', 'Legitimate interests pursued, where Art 6(1)(f) is relied on'),
    Q('ICO.8.3', True, 'lia', 'Link to the legitimate interests assessment (LIA)'),
    Q('ICO.8.4', False, 'art9_condition', 'Art 9 condition for special category data'),
    Q('ICO.8.5', True, 'schedule1', 'DPA 2018 Schedule 1 condition (where Art 9/10 data needs one under UK law)'),
    Q('ICO.9.1', False, 'adm_or_profiling', 'Whether there is profiling or solely automated decision-making (Art 22)'),
    Q('ICO.9.2', False, 'adm_description', 'Description of that decision-making or profiling'),
    Q('ICO.9.3', False, 'adm_basis', 'Lawful basis for the profiling or automated decision-making'),
    Q('ICO.10.1', False, 'dpia_required', 'Whether a DPIA is required'),
    Q('ICO.10.2', False, 'dpia', 'Where the DPIA is documented'),
    Q('ICO.11.1', False, 'rights', 'Data subject rights that apply and how to exercise them'),
    Q('ICO.11.2', False, 'privacy_policy', 'Link to the applicable privacy policy'),
    Q('ICO.11.3', False, 'privacy_notice', 'Link to processing-specific privacy notices'),
    Q('ICO.12.1', True, 'consent_record', 'Link to the record of consent (where consent is the basis)'),
    Q('ICO.13.1', True, 'breach_procedure', 'How personal data breaches are notified and recorded'),
    Q('ICO.13.2', True, 'breach_register', 'Link to the record of personal data breaches'),
    Q('ICO.14.1', False, 'processor_contract', 'Link to the processor contract (Art 28)'),
    Q('ICO.15.1', False, 'last_review', 'When the entry was last reviewed, and by whom'),
    Q('DPC.1.1', True, 'controller_name_contact', 'Name and contact details of the controller'),
    Q('DPC.1.2', True, 'joint_controllers', 'Joint controllers and their respective responsibilities'),
    Q('DPC.1.3', True, 'dpo', 'Data protection officer and contact'),
    Q('DPC.1.4', True, 'eu_representative',
      'EU representative, where the controller is not established in the EU (Art 27)'),
    Q('DPC.1.5', False, 'role', 'Controller or processor for this activity'),
    Q('DPC.1.6', False, 'department', 'Responsible department'),
    Q('DPC.1.7', False, 'stewards', 'Designated data stewards'),
    Q('DPC.2.1', True, 'purposes', 'Purposes'),
    Q('DPC.2.2', False, 'description', 'Description of the system or activity'),
    Q('DPC.3.1', True, 'data_subjects', 'Categories of data subjects'),
    Q('DPC.3.2', True, 'data_categories', 'Categories of personal data'),
    Q('DPC.3.3', True, 'special', 'Whether Art 9 special category data is involved'),
    Q('DPC.3.4', False, 'data_sources', 'Source of the personal data'),
    Q('DPC.4.1', True, 'recipients', 'Categories of recipients'),
    Q('DPC.4.2', False, 'third_parties', 'Whether data is shared with third parties'),
    Q('DPC.4.3', False, 'recipient_categories', 'Which categories of personal data each recipient receives'),
    Q('DPC.5.1', True, 'transfers', 'Transfers to third countries or international organisations'),
    Q('DPC.5.2', True, 'transfer_safeguards', 'Chapter V transfer mechanism relied on'),
    Q('DPC.6.1', True, 'retention', 'Retention period for each category'),
    Q('DPC.6.2', False, 'retention_policy', 'Link to the retention and erasure policy'),
    Q('DPC.6.3', False, 'retention_adherence', 'Adherence to that policy'),
    Q('DPC.6.4', False, 'retention_reason', 'Reason for non-adherence'),
    Q('DPC.7.1', True, 'security', 'Technical and organisational security measures'),
    Q('DPC.7.2', False, 'locations', 'Storage and processing locations'),
    Q('DPC.8.1', True, 'lawful_basis', 'Art 6 lawful basis'),
    Q('DPC.8.2', True, 'legitimate_interests', 'Legitimate interests pursued (Art 6(1)(f))'),
    Q('DPC.8.3', True, 'lia', 'Link to the LIA'),
    Q('DPC.8.4', True, 'art9_condition', 'Art 9 condition, where special category data is processed'),
    Q('DPC.9.1', False, 'adm_or_profiling', 'Profiling or solely automated decision-making'),
    Q('DPC.9.2', False, 'adm_description', 'Description of it'),
    Q('DPC.9.3', False, 'adm_basis', 'Its lawful basis'),
    Q('DPC.10.1', False, 'dpia_required', 'Whether a DPIA is required'),
    Q('DPC.10.2', False, 'dpia', 'Where the DPIA is documented'),
    Q('DPC.10.3', False, 'other_assessment', 'Where any other impact assessment is documented'),
    Q('DPC.11.1', False, 'rights', 'Rights that apply and how to exercise them'),
    Q('DPC.11.2', False, 'privacy_policy', 'Link to the applicable privacy policy'),
    Q('DPC.12.1', True, 'consent_record', 'Link to the record of consent'),
    Q('DPC.13.1', True, 'breach_procedure', 'How breaches are notified and recorded'),
    Q('DPC.13.2', True, 'breach_register', 'Link to the breach record'),
    Q('DPC.14.1', False, 'processor_contract', 'Link to the processor contract (Art 28)'),
    Q('DPC.15.1', False, 'last_review', 'Last review: when and by whom'),
    Q('CNIL.1.1', True, 'name', 'name of the processing operation', 'Dénomination du traitement'),
    Q('CNIL.1.2', False, 'description', 'description of the system or activity', 'Description du système'),
    Q('CNIL.2.1', True, 'controller_name_contact',
      'name and contact details of the organisation', "Nom et coordonnées de l'organisme"),
    Q('CNIL.2.2', True, 'eu_representative', 'representative, where not established in the EU', 'Représentant'),
    Q('CNIL.2.3', True, 'dpo', 'DPO and contact', 'Délégué à la protection des données'),
    Q('CNIL.2.4', True, 'joint_controllers', 'joint controllers', 'Responsables conjoints du traitement'),
    Q('CNIL.2.5', False, 'role', 'controller or processor for this activity', 'Responsable ou sous-traitant'),
    Q('CNIL.2.6', False, 'department', 'responsible department', 'Service responsable'),
    Q('CNIL.2.7', False, 'stewards', 'designated data stewards', 'Responsables des données'),
    Q('CNIL.3.1', True, 'purposes', 'purposes', 'Finalités du traitement'),
    Q('CNIL.4.1', True, 'data_subjects', 'categories of data subjects', 'Catégories de personnes concernées'),
    Q('CNIL.4.2', True, 'data_categories', 'categories of personal data', 'Catégories de données personnelles'),
    Q('CNIL.4.3', False, 'special', 'whether special category data is involved', 'Données sensibles'),
    Q('CNIL.4.4', False, 'data_sources', 'source of the data', 'Source des données'),
    Q('CNIL.5.1', True, 'recipients', 'categories of recipients', 'Catégories de destinataires'),
    Q('CNIL.5.2', False, 'third_parties', 'shared with third parties', 'Données partagées avec des tiers'),
    Q('CNIL.6.1', True, 'transfers', 'transfers to third countries', 'Transferts vers des pays tiers'),
    Q('CNIL.6.2', True, 'transfer_safeguards', 'safeguards for those transfers', 'Garanties pour les transferts'),
    Q('CNIL.7.1', True, 'retention', 'retention periods or deletion schedule', 'Délais de conservation / effacement'),
    Q('CNIL.7.2', False, 'retention_policy',
      'link to the retention policy', "Politique de conservation et d'effacement"),
    Q('CNIL.7.3', False, 'retention_adherence', 'adherence', 'Respect de la politique de conservation'),
    Q('CNIL.7.4', False, 'retention_reason', 'reason for non-adherence', 'Motif de non-respect'),
    Q('CNIL.8.1', True, 'security', 'security measures', 'Mesures de sécurité techniques et organisationnelles'),
    Q('CNIL.8.2', False, 'locations', 'where the data is located', 'Localisation des données personnelles'),
    Q('CNIL.9.1', False, 'lawful_basis', 'Art 6 lawful basis', 'Fondement juridique du traitement'),
    Q('CNIL.9.2', True, 'legitimate_interests',
      'legitimate interests pursued', 'Intérêts légitimes pour le traitement'),
    Q('CNIL.9.3', True, 'lia', 'link to the LIA', "Lien vers l'évaluation des intérêts légitimes"),
    Q('CNIL.9.4', False, 'art9_condition', 'Art 9 condition', 'Base juridique pour les catégories spéciales'),
    Q('CNIL.10.1', False, 'automated_decisions', 'automated decision-making', 'Existence de décisions automatisées'),
    Q('CNIL.10.2', False, 'profiling', 'profiling', 'Profilage'),
    Q('CNIL.11.1', False, 'dpia_required', 'whether a DPIA is required', "Analyse d'impact (AIPD)"),
    Q('CNIL.12.1', False, 'rights', 'rights that apply and how to exercise them', 'Droits des personnes concernées'),
    Q('CNIL.12.2', False, 'privacy_policy', 'link to the privacy policy', 'Politique de confidentialité'),
    Q('CNIL.13.1', True, 'consent_record', 'link to the record of consent', 'Lien vers le registre des consentements'),
    Q('CNIL.14.1', True, 'breach_procedure',
      'how breaches are notified and recorded', 'Notifications de violation de données'),
    Q('CNIL.14.2', True, 'breach_register', 'link to the breach record', 'Lien vers le registre des violations'),
    Q('CNIL.15.1', False, 'processor_contract', 'link to the processor contract', 'Lien vers le contrat de traitement'),
    Q('CNIL.16.1', False, 'last_review', 'last review, when and by whom', 'Dernière revue'),
)
"""Every question of the three templates, in each template's order."""


def questions(template: Template) -> list[Question]:
    """The questions of one template, in its order."""
    return [q for q in QUESTIONS if q.template is template]
