"""The command line: `registry serve | seed | export-schema` (also `python -m registry`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from registry.config import PROJECT_ROOT, Settings
from registry.domain.errors import InvalidInventory
from registry.storage.embedded import EmbeddedDatabaseError


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from registry.app import create_app

    host = args.host or settings.host
    port = args.port or settings.port
    where = settings.mongodb_uri and "MONGODB_URI" or f"embedded FerretDB, data in {settings.data_dir}"
    print(f"Registry of processing: http://{host}:{port}/graphql  (database: {where})", flush=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=args.log_level)
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from registry.services.seeding import seed
    from registry.storage.database import open_database

    async def run() -> int:
        async with open_database(settings) as db:
            report = await seed(db.repos, settings.seed_dir)
        for line in report.lines():
            print(line)
        print("Seed loaded: nothing changed." if report.changed == 0 else f"Seed loaded: {report.changed} changes.")
        return 0

    return asyncio.run(run())


def _check(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from registry.domain.enums import Severity
    from registry.domain.errors import NotFound
    from registry.services.findings import find
    from registry.services.registers import read_inventory, read_reference
    from registry.storage.codec import encode
    from registry.storage.database import open_database

    fail_on = Severity(args.fail_on.upper())

    async def run() -> int:
        async with open_database(settings) as db:
            try:
                inv = await read_inventory(db.repos, args.organization)
            except NotFound as e:
                slugs = [o.slug for o in await db.repos.organizations.find()]
                print(f"registry: {e} Known: {', '.join(slugs) or 'none (run registry seed)'}.", file=sys.stderr)
                return 2
            found = find(inv, await read_reference(db.repos))
        if args.format == "json":
            print(json.dumps([encode(f) for f in found], indent=2, ensure_ascii=False))
        else:
            for f in found:
                print(f"{f.severity.value:6} {f.rule:36} {f.subject_type}:{f.subject_id}\n       {f.message}\n"
                      f"       [{f.article}] fix: {f.fix}")
            counts = {s.value: sum(f.severity == s for f in found) for s in Severity}
            print(f"{len(found)} findings for {inv.organization.legal_name}: "
                  + ", ".join(f"{n} {s}" for s, n in counts.items()))
        failing = [f for f in found if f.severity.rank >= fail_on.rank]
        if failing:
            print(f"{len(failing)} finding(s) at or above {fail_on.value}: failing.", file=sys.stderr)
            return 1
        return 0

    return asyncio.run(run())


def _records(settings: Settings, args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    from registry.domain.errors import NotFound
    from registry.services.exports import as_csv, as_html, as_json, as_xlsx
    from registry.storage.database import open_database
    from registry.web.records import ROLES, build

    if args.format == "csv" and args.role == "all":
        print("registry: CSV holds one record type: pass --role controller or --role processor.", file=sys.stderr)
        return 2

    async def run() -> int:
        async with open_database(settings) as db:
            try:
                records = await build(db.repos, args.organization, ROLES[args.role])
            except NotFound as e:
                print(f"registry: {e}", file=sys.stderr)
                return 2
        out = Path(args.output or f"records-of-processing-{args.organization}-{args.role}.{args.format}")
        if args.format == "xlsx":
            out.write_bytes(as_xlsx(records))
        elif args.format == "csv":
            out.write_text(as_csv(records[0]), encoding="utf-8")
        elif args.format == "html":
            out.write_text(as_html(records, dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")), encoding="utf-8")
        else:
            out.write_text(json.dumps(as_json(records), indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"Wrote {out}")
        return 0

    return asyncio.run(run())


def _export_schema(settings: Settings, args: argparse.Namespace) -> int:
    from registry.graphql.schema import schema

    out = Path(args.output)
    out.write_text(schema.as_str() + "\n", encoding="utf-8")
    print(f"Wrote {out}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="registry", description="Open data inventory and subprocessor registry.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the GraphQL API and GraphiQL (seeds an empty database first)")
    s.add_argument("--host", default=None, help="address to bind (default 127.0.0.1, loopback only)")
    s.add_argument("--port", type=int, default=None, help="port (default 8000)")
    s.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    s.set_defaults(func=_serve)
    sd = sub.add_parser("seed", help="load seed/ into the database; running it twice changes nothing")
    sd.set_defaults(func=_seed)
    c = sub.add_parser("check", help="run the compliance rules on an organisation's register; exit 1 when findings "
                       "at or above --fail-on exist (for CI pipelines)")
    c.add_argument("--organization", required=True, help="the organisation's slug")
    c.add_argument("--fail-on", default="high", choices=["high", "medium", "low", "info"],
                   help="lowest severity that fails the check (default high)")
    c.add_argument("--format", default="text", choices=["text", "json"])
    c.set_defaults(func=_check)
    r = sub.add_parser("records", help="write the Art 30 records of processing as JSON, CSV, XLSX or HTML")
    r.add_argument("--organization", required=True, help="the organisation's slug")
    r.add_argument("--role", default="all", choices=["controller", "processor", "all"])
    r.add_argument("--format", default="xlsx", choices=["json", "csv", "xlsx", "html"])
    r.add_argument("--output", default=None, help="file to write (default: a name in this folder)")
    r.set_defaults(func=_records)
    e = sub.add_parser("export-schema", help="write the GraphQL schema in SDL")
    e.add_argument("--output", default=str(PROJECT_ROOT / "schema.graphql"), help="file to write")
    e.set_defaults(func=_export_schema)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    try:
        return int(args.func(settings, args))
    except (InvalidInventory, EmbeddedDatabaseError) as e:
        print(f"registry: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
