"""Where each key of the registry's former data-category taxonomy went when the shared taxonomy became fideslang's.

`FORMER_KEYS` is the one table of the move (issue 15): every key of the taxonomy the registry kept until then,
with its key now. The migration of a stored register (services/taxonomy_migration.py), the reading of a Fides
manifest written before the move, the "renamed" hint for an unknown key and the README's table all read it.
An organisation's own category under a renamed key moves with it and keeps the rest of its key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Move:
    """One former key: its name then, its key now, and what a person should know where the move is not exact."""

    name: str
    new: str
    note: str | None = None


FORMER_KEYS: dict[str, Move] = {
    "user": Move("User data", "user"),
    "user.name": Move("Name", "user.name"),
    "user.contact": Move("Contact details", "user.contact"),
    "user.contact.email": Move("Email address", "user.contact.email"),
    "user.contact.phone": Move("Telephone number", "user.contact.phone_number"),
    "user.contact.address": Move("Postal address", "user.contact.address"),
    "user.account": Move("Account data", "user.account"),
    "user.account.username": Move("Username or account identifier", "user.account.username"),
    "user.account.credentials": Move("Account credentials", "user.authorization.credentials"),
    "user.account.preferences": Move("Account preferences and settings", "user.account.settings"),
    "user.identification": Move("Identification data", "user.identification"),
    "user.identification.government_id": Move("Government-issued identity document", "user.government_id"),
    "user.identification.tax_registration": Move("Tax or business registration number",
                                                 "user.identification.tax_registration"),
    "user.financial": Move("Financial data", "user.financial"),
    "user.financial.payment_details": Move("Payment details", "user.payment"),
    "user.financial.transactions": Move(
        "Transaction and billing records", "user.financial.transactions",
        "kept as a registry extension: invoices, payments and refunds are financial records, broader than "
        "fideslang's user.behavior.purchase_history"),
    "user.device": Move("Device and technical data", "user.device"),
    "user.device.ip_address": Move("IP address", "user.device.ip_address"),
    "user.device.identifier": Move("Device identifier", "user.device.device_id"),
    "user.device.browser": Move("Browser and operating system details", "user.device.browser"),
    "user.device.cookie_id": Move("Cookie and tracking identifiers", "user.device.cookie_id"),
    "user.location": Move("Location data", "user.location"),
    "user.behavior": Move("Behavioural and usage data", "user.behavior"),
    "user.behavior.service_usage": Move("Service usage and interaction logs", "user.behavior.service_usage"),
    "user.behavior.security_logs": Move("Authentication and security logs", "user.behavior.security_logs"),
    "user.communications": Move("Communications", "user.communications"),
    "user.communications.correspondence": Move("Support and correspondence", "user.communications.correspondence"),
    "user.communications.call_message_logs": Move("Call and message metadata",
                                                  "user.communications.call_message_logs"),
    "user.communications.marketing_preferences": Move("Marketing and communication preferences",
                                                      "user.privacy_preferences"),
    "user.content": Move("User-provided content", "user.content"),
    "user.content.audio_video": Move("Audio and video content", "user.content.audio_video"),
    "user.professional": Move("Professional and employment data", "user.workplace"),
    "user.professional.organisation": Move("Employer or business name", "user.contact.organization"),
    "user.professional.job_title": Move("Job title", "user.job_title"),
    "user.professional.employee_details": Move("Employee details", "user.workplace.employee_details"),
    "user.inferences": Move("Inferences and profiles", "user.inferences"),
    "user.special": Move(
        "Special categories of personal data", "user",
        "a grouping only, which fideslang does not have: each special category moved to its own key; a record "
        "that named the grouping itself should name the special category it means"),
    "user.special.racial_ethnic_origin": Move("Racial or ethnic origin", "user.demographic.race_ethnicity"),
    "user.special.political_opinions": Move("Political opinions", "user.demographic.political_opinion"),
    "user.special.religious_beliefs": Move("Religious or philosophical beliefs", "user.demographic.religious_belief"),
    "user.special.trade_union": Move("Trade-union membership", "user.demographic.trade_union_membership"),
    "user.special.genetic": Move("Genetic data", "user.health_and_medical.genetic"),
    "user.special.biometric": Move("Biometric data for unique identification", "user.biometric"),
    "user.special.health": Move("Health data", "user.health_and_medical"),
    "user.special.sex_life": Move(
        "Sex life or sexual orientation", "user.demographic.sexual_orientation",
        "the former category covered sex life too: data about a person's sex life rather than orientation belongs "
        "under user.demographic.sex_life"),
    "user.criminal": Move("Criminal convictions and offences", "user.criminal_history"),
}
"""Every key of the former taxonomy, with its name then and its key now (the same key where fideslang's or the
registry's extension keeps it)."""

RENAMED: dict[str, str] = {old: move.new for old, move in FORMER_KEYS.items() if move.new != old}
"""The former keys whose key changed."""


def moved_key(key: str) -> str:
    """A category key as it is now: a renamed former key's new key; an organisation's own key under a renamed
    one moved under the new key with the rest of its key kept (`user.financial.payment_details.crypto_wallet`
    -> `user.payment.crypto_wallet`); any other key as it is."""
    parts = key.split(".")
    for i in range(len(parts), 0, -1):
        head = ".".join(parts[:i])
        if head in RENAMED:
            return ".".join([RENAMED[head], *parts[i:]])
    return key


FORMER_NAMES: dict[str, str] = {move.name.lower(): move.new for move in FORMER_KEYS.values()}
"""A former category's name, lower-cased, to its key now: what a spreadsheet written before the move says."""
