"""The command line (also `python -m registry`): `serve`, `seed`, `migrate-taxonomy`, `check`, `records`, `ropa`,
`export`, `import`, `token create | list | revoke` and `export-schema`. Each command is a thin wrapper over a
service."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import logging
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from registry.config import PROJECT_ROOT, Settings
from registry.domain.errors import InvalidInventory
from registry.storage.embedded import EmbeddedDatabaseError, ensure_free


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket, so uvicorn can serve the API port and the metrics port from one process."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from registry.app import create_app, tune_garbage_collection
    from registry.web.logging import configure_logging

    tune_garbage_collection()
    host = args.host or settings.host
    port = args.port or settings.port
    if settings.metrics_port is not None and settings.metrics_port == port:
        print(f"registry: REGISTRY_METRICS_PORT ({port}) must differ from the API's port.", file=sys.stderr)
        return 2
    settings = dataclasses.replace(settings, host=host, port=port)  # what the first-start message shows
    if settings.mongodb_uri is None:
        ensure_free(settings.data_dir)  # a clear refusal before anything starts (the lifespan checks it again)
    configure_logging(args.log_level)
    where = settings.mongodb_uri and "MONGODB_URI" or f"embedded FerretDB, data in {settings.data_dir}"
    print(f"Registry of processing: http://{host}:{port}/graphql  (database: {where})", flush=True)
    try:
        sockets = [_listen(host, port)]
        if settings.metrics_port is not None:
            sockets.append(_listen(settings.metrics_host, settings.metrics_port))
    except OSError as e:
        print(f"registry: cannot listen on that address: {e.strerror}. Pick another port (--port, "
              "REGISTRY_METRICS_PORT).", file=sys.stderr)
        return 2
    if settings.metrics_port is not None:
        print(f"Metrics for Prometheus: http://{settings.metrics_host}:{settings.metrics_port}/metrics", flush=True)
    # The request log (registry/web/logging.py) replaces uvicorn's access log, which would show query strings.
    config = uvicorn.Config(create_app(settings), log_level=args.log_level, access_log=False, log_config=None)
    uvicorn.Server(config).run(sockets=sockets)
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from registry.services.seeding import seed
    from registry.services.taxonomy_migration import holds_former_keys
    from registry.storage.database import open_database

    async def run() -> int:
        async with open_database(settings) as db:
            report = await seed(db.repos, settings.seed_dir)
            former = await holds_former_keys(db.repos)
        for line in report.lines():
            print(line)
        print("Seed loaded: nothing changed." if report.changed == 0 else f"Seed loaded: {report.changed} changes.")
        if former:
            print("The register still holds keys of the registry's former data-category taxonomy: run "
                  "`registry migrate-taxonomy` to see the plan that moves them onto fideslang's (`serve` does it by "
                  "itself).")
        return 0

    return asyncio.run(run())


def _migrate_taxonomy(settings: Settings, args: argparse.Namespace) -> int:
    from registry.services.inventory_files import load_reference
    from registry.services.taxonomy_migration import ACTOR, apply_migration, plan_migration
    from registry.storage.database import open_database

    taxonomy = load_reference(settings.seed_dir / "reference").data_categories

    async def run() -> int:
        async with open_database(settings) as db:
            plan = await plan_migration(db.repos, taxonomy)
            if plan.empty:
                print("Nothing to do: the register already uses the shared taxonomy as it is now.")
                return 0
            for line in plan.lines():
                print(line)
            if not args.yes:
                print("Nothing applied. Run again with --yes to apply this plan.")
                return 0
            report = await apply_migration(db.repos, plan)
        if report.left:
            print(f"Applied, except {len(report.left)} change(s) left as they were:")
            for x in report.left:
                print(f"  not done  {x}")
            return 3
        print(f"Applied: {report.changed} record(s) changed, each with a history entry by '{ACTOR}'.")
        return 0

    return asyncio.run(run())


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write YYYY-MM-DD, e.g. 2027-06-01") from None


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
            found = find(inv, await read_reference(db.repos), args.as_of)
        if args.format == "json":
            print(json.dumps([encode(f) for f in found], indent=2, ensure_ascii=False))
        else:
            for f in found:
                ready = " (readiness)" if f.readiness else ""
                print(f"{f.severity.value:6} {f.rule:36} {f.subject_type}:{f.subject_id}{ready}\n       {f.message}\n"
                      f"       [{f.article}] fix: {f.fix}")
            counts = {s.value: sum(f.severity == s for f in found) for s in Severity}
            print(f"{len(found)} findings for {inv.organization.legal_name}: "
                  + ", ".join(f"{n} {s}" for s, n in counts.items()))
        # A duty not yet in force is a gap to close, not a breach: it does not fail the pipeline.
        failing = [f for f in found if f.severity.rank >= fail_on.rank and not f.readiness]
        if failing:
            print(f"{len(failing)} finding(s) at or above {fail_on.value}: failing.", file=sys.stderr)
            return 1
        return 0

    return asyncio.run(run())


def _records(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from registry.domain.errors import NotFound
    from registry.services.exports import as_csv, as_html, as_json, as_xlsx
    from registry.storage.database import open_database
    from registry.web.records import ROLES, build, stamp_of

    if args.format == "csv" and args.role == "all":
        print("registry: CSV holds one record type: pass --role controller or --role processor.", file=sys.stderr)
        return 2

    async def run() -> int:
        async with open_database(settings) as db:
            try:
                records = await build(db.repos, args.organization, ROLES[args.role])
                stamp = await stamp_of(db.repos, args.organization)
            except NotFound as e:
                print(f"registry: {e}", file=sys.stderr)
                return 2
        out = Path(args.output or f"records-of-processing-{args.organization}-{args.role}.{args.format}")
        if args.format == "xlsx":
            out.write_bytes(as_xlsx(records, stamp))
        elif args.format == "csv":
            out.write_text(as_csv(records[0]), encoding="utf-8")
        elif args.format == "html":
            out.write_text(as_html(records, stamp.generated_text, stamp.version), encoding="utf-8")
        else:
            out.write_text(json.dumps(as_json(records, stamp), indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"Wrote {out}")
        return 0

    return asyncio.run(run())


def _ropa(settings: Settings, args: argparse.Namespace) -> int:
    from registry.domain.errors import NotFound
    from registry.services.ropa_exports import as_csv, as_xlsx
    from registry.storage.database import open_database
    from registry.web.ropa import ROLES, TEMPLATES, build

    async def run() -> int:
        async with open_database(settings) as db:
            try:
                answers = await build(db.repos, args.organization, TEMPLATES[args.template], ROLES[args.role])
            except NotFound as e:
                print(f"registry: {e}", file=sys.stderr)
                return 2
        out = Path(args.output or f"ropa-{args.organization}-{args.template}.{args.format}")
        if args.format == "xlsx":
            out.write_bytes(as_xlsx(answers))
        else:
            out.write_text(as_csv(answers), encoding="utf-8")
        print(f"Wrote {out}: {answers.overall:.0%} of the {answers.title} answered or not applicable")
        return 0

    return asyncio.run(run())


def progress_bar(total: int) -> Any:
    """A plain progress bar on standard error, for long imports and benchmark loads."""
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done = min(total, done + n)
        width = 30
        filled = width * done // max(total, 1)
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)

    return step


def _export(settings: Settings, args: argparse.Namespace) -> int:
    import yaml

    from registry.domain.errors import NotFound
    from registry.services.fides import export_fides
    from registry.services.inventory_sync import export_mapping
    from registry.services.registers import read_inventory, read_reference
    from registry.storage.database import open_database

    async def run() -> int:
        async with open_database(settings) as db:
            try:
                inv = await read_inventory(db.repos, args.organization)
            except NotFound as e:
                print(f"registry: {e}", file=sys.stderr)
                return 2
            ref = await read_reference(db.repos)
        if args.format in ("xlsx", "ico", "csv"):
            from registry.services.spreadsheets import export_csv, export_ico, export_workbook

            if not args.output:
                print(f"registry: a {args.format} export needs --output FILE", file=sys.stderr)
                return 2
            if args.format == "csv":
                Path(args.output).write_text(export_csv(inv), encoding="utf-8")
            else:
                Path(args.output).write_bytes(export_ico(inv, ref) if args.format == "ico"
                                              else export_workbook(inv, ref))
            print(f"Wrote {args.output}")
            return 0
        data = export_fides(inv, ref) if args.format == "fides" else export_mapping(inv)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            print(f"Wrote {args.output}")
        else:
            sys.stdout.write(text)
        return 0

    return asyncio.run(run())


def _import(settings: Settings, args: argparse.Namespace) -> int:
    from registry.services.imports import detect_format, plan_fides
    from registry.services.inventory_sync import Plan, apply, plan
    from registry.storage.database import open_database
    from registry.storage.writer import Interrupted

    path = Path(args.file)
    if not path.exists():
        print(f"registry: no file {path}", file=sys.stderr)
        return 2
    fmt, data = detect_format(path)

    async def run() -> int:
        async with open_database(settings) as db:
            notes: list[str] = []
            if fmt == "fides":
                plans, report = await plan_fides(db.repos, data, str(path))
                notes = ["What the Fides manifest became:", *report.lines()]
            elif fmt in ("xlsx", "csv"):
                from registry.services.spreadsheets import plan_workbook

                sheet_plan = await plan_workbook(db.repos, path.read_bytes(), fmt, path.name, args.organization)
                for line in sheet_plan.lines():
                    print(line)
                if sheet_plan.problems:
                    print(f"Nothing applied: fix the {len(sheet_plan.problems)} problem(s) above and import again.")
                    return 2
                plans = [sheet_plan.plan] if sheet_plan.plan else []
            else:
                plans = [await plan(db.repos, data, str(path))]
            for line in notes:
                print(line)
            todo: list[Plan] = []
            for p in plans:
                if fmt != "xlsx" and fmt != "csv":
                    print(f"Organisation {p.inventory.organization.slug}:")
                    for line in p.lines():
                        print(line)
                if not p.empty:
                    todo.append(p)
            if not todo:
                print("Nothing to do: the register already matches the file.")
                return 0
            if not args.yes:
                print("Nothing applied. Run again with --yes to apply this plan.")
                return 0
            # Ctrl-C asks the import to stop between two whole writes, never in the middle of one: a bulk command
            # cut off half-sent can leave the embedded database holding a connection.
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGINT, stop.set)
            loop.add_signal_handler(signal.SIGTERM, stop.set)
            conflicts: list[str] = []
            try:
                for p in todo:
                    conflicts += await apply(db.repos, p, f"import:{path.name}", progress_bar(p.size), stop.is_set)
            except Interrupted as e:
                print(f"\nInterrupted. {e}", file=sys.stderr)
                return 130
            finally:
                loop.remove_signal_handler(signal.SIGINT)
                loop.remove_signal_handler(signal.SIGTERM)
            if conflicts:
                print(f"Applied, except {len(conflicts)} record(s) someone changed while the import ran; they keep "
                      "that change. Export again to see them, then re-import if the file's version should win:")
                for i in conflicts:
                    print(f"  conflict  {i}")
                return 3
            print("Applied.")
            return 0

    return asyncio.run(run())


def _token(settings: Settings, args: argparse.Namespace) -> int:
    from registry.domain.enums import AccessRole
    from registry.services.tokens import create_token, list_tokens, revoke
    from registry.storage.database import open_database

    async def run() -> int:
        async with open_database(settings) as db:
            if args.action == "create":
                token, text = await create_token(db.repos, args.name, AccessRole(args.role.upper()))
                print(f"Created {token.role.value} token '{token.name}' (key {token.key}). It is shown only now:")
                print(text)
            elif args.action == "list":
                for t in await list_tokens(db.repos):
                    state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                    print(f"{t.key}  {t.role.value:6}  {state:18}  {t.name}")
            else:
                revoked = await revoke(db.repos, args.key)
                if revoked is None:
                    print(f"registry: no token with key {args.key}", file=sys.stderr)
                    return 2
                print(f"Revoked token {revoked.key} ({revoked.name}).")
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
    mt = sub.add_parser("migrate-taxonomy", help="show how a register seeded before the shared taxonomy became "
                        "fideslang's moves onto it (former keys renamed, with history); apply it with --yes. "
                        "`serve` applies it by itself when it finds former keys")
    mt.add_argument("--yes", action="store_true", help="apply the plan")
    mt.set_defaults(func=_migrate_taxonomy)
    c = sub.add_parser("check", help="run the compliance rules on an organisation's register; exit 1 when findings "
                       "at or above --fail-on exist (for CI pipelines)")
    c.add_argument("--organization", required=True, help="the organisation's slug")
    c.add_argument("--fail-on", default="high", choices=["high", "medium", "low", "info"],
                   help="lowest severity that fails the check (default high)")
    c.add_argument("--format", default="text", choices=["text", "json"])
    c.add_argument("--as-of", type=_date, default=None,
                   help="evaluate the law in force on this date, YYYY-MM-DD (default today)")
    c.set_defaults(func=_check)
    r = sub.add_parser("records", help="write the Art 30 records of processing as JSON, CSV, XLSX or HTML")
    r.add_argument("--organization", required=True, help="the organisation's slug")
    r.add_argument("--role", default="all", choices=["controller", "processor", "all"])
    r.add_argument("--format", default="xlsx", choices=["json", "csv", "xlsx", "html"])
    r.add_argument("--output", default=None, help="file to write (default: a name in this folder)")
    r.set_defaults(func=_records)
    rp = sub.add_parser("ropa", help="write a regulator's record-of-processing template (UK ICO, Ireland's DPC, "
                        "France's CNIL) answered from the register, as XLSX or CSV")
    rp.add_argument("--organization", required=True, help="the organisation's slug")
    rp.add_argument("--template", required=True, choices=["uk-ico", "ie-dpc", "fr-cnil"])
    rp.add_argument("--role", default="all", choices=["controller", "processor", "all"])
    rp.add_argument("--format", default="xlsx", choices=["xlsx", "csv"])
    rp.add_argument("--output", default=None, help="file to write (default: a name in this folder)")
    rp.set_defaults(func=_ropa)
    x = sub.add_parser("export", help="write an organisation's whole inventory: the seed/ format (yaml), Fides "
                       "manifests (fides), the registry's workbook (xlsx), its Activities sheet (csv) or the ICO's "
                       "layout (ico, a workbook)")
    x.add_argument("--organization", required=True, help="the organisation's slug")
    x.add_argument("--format", default="yaml", choices=["yaml", "fides", "xlsx", "csv", "ico"])
    x.add_argument("--output", default=None, help="file to write (default: standard output)")
    x.set_defaults(func=_export)
    im = sub.add_parser("import", help="show the plan for a file (the seed/ format, a Fides manifest, a workbook or "
                        "a CSV file, recognised by itself); apply it with --yes")
    im.add_argument("file", help="an inventory file: .yaml in the seed/ format, a Fides manifest (.yml), .xlsx or .csv")
    im.add_argument("--organization", default=None,
                    help="for a workbook or CSV file without an Organisation sheet: the organisation it belongs to")
    im.add_argument("--yes", action="store_true", help="apply the plan")
    im.set_defaults(func=_import)
    t = sub.add_parser("token", help="manage API tokens: create, list, revoke")
    tsub = t.add_subparsers(dest="action", required=True)
    tc = tsub.add_parser("create", help="create a token; its text is shown once")
    tc.add_argument("--role", required=True, choices=["viewer", "editor", "admin"])
    tc.add_argument("--name", required=True, help="who or what uses it, e.g. ropa-exporter")
    tsub.add_parser("list", help="list tokens (never their secrets)")
    tr = tsub.add_parser("revoke", help="revoke a token")
    tr.add_argument("key", help="the token's key, as `token list` shows it")
    t.set_defaults(func=_token)
    e = sub.add_parser("export-schema", help="write the GraphQL schema in SDL")
    e.add_argument("--output", default=str(PROJECT_ROOT / "schema.graphql"), help="file to write")
    e.set_defaults(func=_export_schema)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except ValueError as e:
        print(f"registry: {e}", file=sys.stderr)
        return 2
    try:
        return int(args.func(settings, args))
    except (InvalidInventory, EmbeddedDatabaseError) as e:
        print(f"registry: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
