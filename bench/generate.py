"""A synthetic but realistic inventory of a given size, built as domain objects.

Default: one organisation with 2,000 processing activities, 300 data categories, 500 subprocessors and 100
purposes; each activity has about 8 data categories, 3 purposes with lawful bases, 3 subprocessors, 2 transfers
and 3 retention rules. Deterministic for a given size and seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from registry.domain import models as m
from registry.domain.enums import DpaStatus, RecipientKind, Role
from registry.domain.inventory import Inventory

COUNTRIES = ["US", "IN", "GB", "DE", "FR", "IE", "JP", "SG", "BR", "CA", "AU", "NL"]
MECHANISMS = ["scc-2021-module-2", "scc-2021-module-3", "eu-us-dpf", "adequacy", "bcr", "derogation-explicit-consent"]
BASES = ["GDPR:contract", "GDPR:legitimate-interests", "GDPR:consent", "GDPR:legal-obligation"]
PARENTS = ["user.contact", "user.account", "user.device", "user.behavior", "user.financial", "user.communications"]


@dataclass(frozen=True)
class Size:
    activities: int = 2000
    categories: int = 300
    subprocessors: int = 500
    purposes: int = 100
    subjects: int = 10
    transfers_pool: int = 400
    retention_pool: int = 300


def synthetic_inventory(slug: str, size: Size = Size(), seed: int = 7) -> Inventory:
    rnd = random.Random(seed)
    doc = m.SourceDocument(key="policy", title="Synthetic policy")
    src = m.Source(document="policy", section="1", quote="synthetic")
    org = m.Organization(slug=slug, legal_name=f"Synthetic {slug}", country="IE", roles=[Role.CONTROLLER],
                         documents=[doc])
    cats = [m.DataCategory(key=f"{rnd.choice(PARENTS)}.synthetic_{i}", name=f"Category {i}", organization=slug)
            for i in range(size.categories)]
    purposes = [m.Purpose(slug, f"purpose-{i}", f"Purpose {i}", source=src) for i in range(size.purposes)]
    subjects = [m.DataSubjectCategory(slug, f"subjects-{i}", f"Subjects {i}") for i in range(size.subjects)]
    recipients = [
        m.Recipient(slug, f"vendor-{i}", f"Vendor {i} Ltd", named=True, kind=RecipientKind.SUBPROCESSOR,
                    role=Role.PROCESSOR, services=["hosting"], countries=rnd.sample(COUNTRIES, 2),
                    dpa=DpaStatus.SIGNED, source=src)
        for i in range(size.subprocessors)
    ]
    transfers = [
        m.Transfer(slug, f"transfer-{i}", origin="IE", destination=rnd.choice(COUNTRIES),
                   recipient=f"vendor-{rnd.randrange(size.subprocessors)}", mechanism=rnd.choice(MECHANISMS))
        for i in range(size.transfers_pool)
    ]
    retention = [
        m.RetentionRule(slug, f"retention-{i}", covers=f"Records {i}", data_categories=[cats[i % len(cats)].id],
                        period=f"P{rnd.randint(1, 10)}Y", trigger="account closure")
        for i in range(size.retention_pool)
    ]
    activities = []
    for i in range(size.activities):
        activities.append(m.ProcessingActivity(
            organization=slug, key=f"activity-{i:05d}", name=f"Activity {i}", role=Role.CONTROLLER, source=src,
            purposes=[m.PurposeAssignment(purpose=p.key, lawful_bases=[m.BasisAssignment(rnd.choice(BASES))])
                      for p in rnd.sample(purposes, 3)],
            data_categories=[c.id for c in rnd.sample(cats, 8)],
            data_subjects=[s.key for s in rnd.sample(subjects, 2)],
            recipients=[r.key for r in rnd.sample(recipients, 3)],
            transfers=[t.key for t in rnd.sample(transfers, 2)],
            retention_rules=[r.key for r in rnd.sample(retention, 3)],
        ))
    return Inventory(organization=org, data_categories=cats, data_subjects=subjects, purposes=purposes,
                     recipients=recipients, transfers=transfers, retention_rules=retention,
                     processing_activities=activities)


FULL_RECORD_QUERY = """
query FullRecord($slug: String!) {
  organization(slug: $slug) {
    processingActivities {
      id name role
      purposes { name lawfulBases { framework code article title } }
      dataCategories { key name specialCategory }
      dataSubjects { key name }
      subprocessors { name countries { code adequacy } }
      transfers { destination { code name adequacy } mechanism { code title article } }
      retentionRules { covers period trigger }
    }
  }
}
"""
