"""How fast a downgrade reaches the lenders watching, on a generated zone.

    python -m bench.watch --enterprises 100000 --banks 20 --watched 50 --downgrades 30

Loads the demo zone (`bench.fastload`), rates it once, and starts the hub in its own process.
Each of `--banks` banks gets consents (credit:read) for `--watched` enterprises and opens a
`ratingChanged` subscription over graphql-transport-ws. Then SAMR's connector pushes
`--downgrades` signed batches through `POST /connectors/batches`, each listing one watched
enterprise as seriously dishonest, in turn across the banks. Prints, per downgrade:

- push to delivery: from sending the batch to the watching bank's websocket message (the
  batch's checks and write, the re-rating, the change feed, the policy check, the push);
- after the push answered: from the 202 (the re-rating is committed by then) to the message;

and how many messages reached a bank without consent for the enterprise (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import websockets
from neo4j import AsyncGraphDatabase
from websockets.typing import Subprotocol

from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind
from bench.fastload import fastload_zone
from bench.harness import fresh_neo4j, hub_process
from connectors.client import encode_payload
from graph_schema.dates import utc_today
from graph_schema.migrate import apply_migrations
from graph_schema.model import Department
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer
from hub.seed.agencies import prepare_connector

DATABASE = "neo4j"
SECRET = b"bench-person-secret"
SUBSCRIPTION = "subscription { ratingChanged { uscc grade downgrade } }"


def quantiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return f"p50 {at(0.5):7.1f} ms  p95 {at(0.95):7.1f} ms  max {ordered[-1]:7.1f} ms"


async def token(url: str, client_id: str, secret: str) -> str:
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        )
    value: str = answer.raise_for_status().json()["access_token"]
    return value


class Listener:
    """One bank's subscription: records when each change arrives."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.arrived: dict[str, float] = {}
        self.messages: list[dict[str, Any]] = []

    async def run(self, url: str, access: str, ready: asyncio.Event) -> None:
        ws_url = url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(
            ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]
        ) as ws:
            init = {"Authorization": f"Bearer {access}", "X-Purpose": "loan monitoring"}
            await ws.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            message = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}
            await ws.send(json.dumps(message))
            ready.set()
            async for raw in ws:
                data = json.loads(raw)
                if data.get("type") != "next":
                    continue
                change = data["payload"]["data"]["ratingChanged"]
                self.arrived.setdefault(change["uscc"], time.perf_counter())
                self.messages.append(change)


async def bench(enterprises: int, seed: int, banks: int, watched: int, downgrades: int) -> None:
    with fresh_neo4j() as uri, tempfile.TemporaryDirectory() as keys:
        driver = AsyncGraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF")
        await apply_migrations(driver, DATABASE)
        started = time.perf_counter()
        await fastload_zone(
            driver, DATABASE, person_secret=SECRET, enterprises=enterprises, seed=seed
        )
        today = utc_today()
        recomputer = CreditRecomputer(driver, DATABASE, load_model(), load_joint_rules())
        report = await recomputer.recompute_all(today)
        print(
            f"zone: {enterprises:,} enterprises loaded and rated in "
            f"{time.perf_counter() - started:.0f} s ({report.ratings_written:,} ratings)"
        )
        rows, _, _ = await driver.execute_query(
            "MATCH (e:Enterprise) WHERE e.creditGrade IN ['A', 'B', 'C'] "
            "AND NOT EXISTS { (e)-[:LISTED]->(:ListEntry) } RETURN e.uscc AS uscc ORDER BY uscc",
            database_=DATABASE,
        )
        rng = random.Random(seed)
        pool = rng.sample([r["uscc"] for r in rows], banks * watched + 1)
        warm_up = pool.pop()  # one push first, unmeasured: the hub's first batch plans queries
        watch = {f"bank-{b:02d}": pool[b * watched : (b + 1) * watched] for b in range(banks)}
        until = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
        await driver.execute_query(
            """UNWIND $grants AS g
               MATCH (e:Enterprise {uscc: g.uscc})
               CREATE (e)-[:CONSENTED]->(:Consent {id: randomUUID(), institution: g.bank,
                      purpose: 'WORKING_CAPITAL', scopes: ['enterprise:read', 'credit:read'],
                      grantedAt: datetime(), expiresAt: $until, grantedBy: 'bench'})""",
            grants=[{"bank": b, "uscc": u} for b, usccs in watch.items() for u in usccs],
            until=until,
            database_=DATABASE,
        )
        scopes = load_catalog().default_scopes(ClientKind.BANK)
        secrets = {
            bank: await add_client(
                driver, DATABASE, kind=ClientKind.BANK, scopes=scopes, institution=bank
            )
            for bank in watch
        }
        samr = await prepare_connector(
            driver,
            DATABASE,
            Path(keys),
            "bench-samr-watch",
            Department.SAMR,
            ["list.entry@1"],
            dt.datetime.now(dt.UTC),
        )
        pusher, pusher_secret = await add_client(
            driver,
            DATABASE,
            kind=ClientKind.CONNECTOR,
            scopes=frozenset({"connector:push"}),
            institution="bench-samr-watch",
        )
        with hub_process(uri) as url:
            listeners = {bank: Listener(bank) for bank in watch}
            tasks = []
            for bank, listener in listeners.items():
                client, secret = secrets[bank]
                ready = asyncio.Event()
                access = await token(url, client.client_id, secret or "")
                tasks.append(asyncio.create_task(listener.run(url, access, ready)))
                await ready.wait()
            await asyncio.sleep(1.0)  # every subscription is live on the hub
            push_token = await token(url, pusher.client_id, pusher_secret or "")
            total_ms: list[float] = []
            after_ms: list[float] = []
            async with httpx.AsyncClient(timeout=120) as http:
                for n in range(-1, downgrades):
                    bank = f"bank-{n % banks:02d}"
                    uscc = watch[bank][n // banks] if n >= 0 else warm_up
                    record = {
                        "id": f"LST-WATCH-{n}",
                        "subject": {"uscc": uscc},
                        "list": "SERIOUS_DISHONESTY",
                        "listedOn": (today - dt.timedelta(days=1)).isoformat(),
                        "reason": "contract fraud",
                        "basis": "joint punishment memorandum",
                    }
                    document = encode_payload(
                        samr.signer.sign(
                            "list.entry@1", [record], samr.next_sequence(), uuid.uuid4()
                        )
                    )
                    sent = time.perf_counter()
                    answer = await http.post(
                        f"{url}/connectors/batches",
                        content=document,
                        headers={"Authorization": f"Bearer {push_token}"},
                    )
                    answered = time.perf_counter()
                    if answer.status_code != 202:
                        raise RuntimeError(f"push {n} refused: {answer.text[:500]}")
                    if n < 0:
                        continue
                    deadline = time.perf_counter() + 10
                    while uscc not in listeners[bank].arrived:
                        if time.perf_counter() > deadline:
                            raise RuntimeError(f"{bank} never heard of {uscc}'s downgrade")
                        await asyncio.sleep(0.002)
                    arrived = listeners[bank].arrived[uscc]
                    total_ms.append((arrived - sent) * 1000)
                    after_ms.append(max(0.0, arrived - answered) * 1000)
            await asyncio.sleep(1.0)  # anything misdelivered has arrived by now
            stray = sum(
                1
                for bank, listener in listeners.items()
                for change in listener.messages
                if change["uscc"] not in watch[bank]
            )
            for task in tasks:
                task.cancel()
        print(
            f"watching: {banks} banks subscribed, each with consent for {watched} enterprises; "
            f"{downgrades} downgrades pushed one at a time"
        )
        print(f"  push to delivery        : {quantiles(total_ms)}")
        print(f"  after the push answered : {quantiles(after_ms)}")
        print(f"  messages to a bank without consent: {stray}")
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--banks", type=int, default=20)
    parser.add_argument("--watched", type=int, default=50)
    parser.add_argument("--downgrades", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(bench(args.enterprises, args.seed, args.banks, args.watched, args.downgrades))


if __name__ == "__main__":
    main()
