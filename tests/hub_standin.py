"""A stand-in for the Hugging Face Hub's HTTP API, for tests only.

It serves, on 127.0.0.1, the routes that ``huggingface_hub`` and ``datasets`` call to create a
dataset repo, upload files (preupload, Git LFS batch + basic upload, ndjson commit), list and
read them (tree, paths-info, resolve with ranges), check a token (whoami-v2) and validate a card
(validate-yaml). Repos live in memory; every commit is a full snapshot of the files. It is not
the Hub: it implements only what these clients need and answers like the Hub does for the
errors the tests exercise (401 bad token, 403 no write permission, 404 with ``X-Error-Code``,
409 existing repo, 412 stale parent commit).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

KINDS = {"models": "model", "datasets": "dataset", "spaces": "space"}
MAX_BODY = 64 * 1024 * 1024
MAX_CHUNKS = 100_000
LICENSES = {"apache-2.0", "mit", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc0-1.0", "other"}


@dataclass(frozen=True)
class Blob:
    data: bytes
    lfs: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def git_oid(self) -> str:
        return hashlib.sha1(b"blob %d\0" % len(self.data) + self.data).hexdigest()


@dataclass
class Repo:
    kind: str
    repo_id: str
    private: bool
    refs: dict[str, str] = field(default_factory=dict)
    commits: dict[str, dict[str, Blob]] = field(default_factory=dict)
    pulls: int = 0

    def resolve(self, revision: str) -> str | None:
        return self.refs.get(revision) or (revision if revision in self.commits else None)


class HttpError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra: str) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


class HubStandIn:
    """In-memory repos plus the HTTP server that exposes them; use as a context manager."""

    def __init__(self, tokens: dict[str, tuple[str, str]]) -> None:
        self.tokens = tokens  # token -> (user name, role "read" | "write")
        self.repos: dict[tuple[str, str], Repo] = {}
        self.lfs: dict[str, bytes] = {}
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> HubStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # ---- state helpers used by tests ----
    def add_repo(
        self, kind: str, repo_id: str, files: dict[str, bytes], private: bool = False
    ) -> None:
        repo = Repo(kind, repo_id, private)
        self._commit(repo, "main", {p: Blob(d, False) for p, d in files.items()})
        self.repos[(kind, repo_id)] = repo

    def files(self, kind: str, repo_id: str, revision: str = "main") -> dict[str, bytes]:
        repo = self.repos[(kind, repo_id)]
        return {p: b.data for p, b in repo.commits[repo.resolve(revision) or ""].items()}

    def _commit(self, repo: Repo, ref: str, files: dict[str, Blob]) -> str:
        parent = repo.refs.get(ref, "")
        digest = hashlib.sha1(
            parent.encode() + json.dumps(sorted((p, b.git_oid) for p, b in files.items())).encode()
        )
        oid = hashlib.sha1(digest.digest() + str(len(repo.commits)).encode()).hexdigest()
        repo.commits[oid] = files
        repo.refs[ref] = oid
        return oid

    # ---- request handling ----
    def user(self, headers: dict[str, str], required: bool) -> tuple[str, str] | None:
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            if required:
                raise HttpError(401, "Invalid username or password.")
            return None
        found = self.tokens.get(auth[len("Bearer ") :])
        if found is None:
            raise HttpError(401, "Invalid credentials in Authorization header")
        return found

    def repo(self, kind: str, repo_id: str, user: tuple[str, str] | None, write: bool) -> Repo:
        repo = self.repos.get((kind, repo_id))
        owner = repo_id.split("/")[0]
        if repo is None or (repo.private and (user is None or user[0] != owner)):
            raise HttpError(404, "Repository not found", "RepoNotFound")
        if write and (user is None or user[0] != owner or user[1] != "write"):
            raise HttpError(403, f"You don't have the rights to write to {kind}s/{repo_id}")
        return repo

    def snapshot(self, repo: Repo, revision: str) -> tuple[str, dict[str, Blob]]:
        oid = repo.resolve(revision)
        if oid is None:
            raise HttpError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        return oid, repo.commits[oid]

    def info(self, repo: Repo, revision: str) -> dict:
        oid, files = self.snapshot(repo, revision)
        card = files.get("README.md")
        card_data = _front_matter(card.data.decode()) if card else None
        siblings = [{"rfilename": p} for p in sorted(files)]
        return {
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0],
            "sha": oid,
            "private": repo.private,
            "siblings": siblings,
            "cardData": card_data,
            "lastModified": "2024-01-01T00:00:00.000Z",
            "tags": [],
            "downloads": 0,
            "likes": 0,
        }

    def create(self, user: tuple[str, str] | None, body: dict) -> dict:
        if user is None:
            raise HttpError(401, "You must be authenticated to create a repo")
        kind = body.get("type") or "model"
        repo_id = f"{body.get('organization') or user[0]}/{body['name']}"
        prefix = "" if kind == "model" else f"{kind}s/"
        url = f"{self.endpoint}/{prefix}{repo_id}"
        if repo_id.split("/")[0] != user[0] or user[1] != "write":
            raise HttpError(
                403, f"You don't have the rights to create a {kind} under this namespace"
            )
        if (kind, repo_id) in self.repos:
            raise HttpError(409, f"You already created this {kind} repo", url=url)
        self.add_repo(
            kind,
            repo_id,
            {".gitattributes": b"*.parquet filter=lfs diff=lfs merge=lfs -text\n"},
            private=body.get("visibility") == "private" or bool(body.get("private")),
        )
        return {"url": url, "name": repo_id}

    def commit(self, repo: Repo, revision: str, lines: list[dict], create_pr: bool) -> dict:
        header = lines[0]["value"]
        head, files = self.snapshot(repo, revision)
        if header.get("parentCommit") not in (None, head):
            raise HttpError(412, "A commit has happened since. Please refresh and try again.")
        files = dict(files)
        for line in lines[1:]:
            key, value = line["key"], line["value"]
            path = value["path"]
            if key == "file":
                files[path] = Blob(base64.b64decode(value["content"]), False)
            elif key == "lfsFile":
                if value["oid"] not in self.lfs:
                    raise HttpError(422, f"LFS object {value['oid']} was not uploaded")
                files[path] = Blob(self.lfs[value["oid"]], True)
            elif key == "deletedFile":
                if files.pop(path, None) is None:
                    raise HttpError(404, f"{path} does not exist", "EntryNotFound")
            elif key == "deletedFolder":
                files = {p: b for p, b in files.items() if not p.startswith(path.rstrip("/") + "/")}
            else:
                raise HttpError(400, f"unknown commit operation {key}")
        ref = revision
        if create_pr:
            repo.pulls += 1
            ref = f"refs/pr/{repo.pulls}"
            repo.refs[ref] = head
        elif revision not in repo.refs:
            raise HttpError(400, "Can only commit to a branch")
        oid = self._commit(repo, ref, files)
        prefix = "" if repo.kind == "model" else f"{repo.kind}s/"
        url = f"{self.endpoint}/{prefix}{repo.repo_id}"
        return {
            "commitUrl": f"{url}/commit/{oid}",
            "commitOid": oid,
            "pullRequestUrl": f"{url}/discussions/{repo.pulls}" if create_pr else None,
        }


def _front_matter(text: str) -> dict | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---", 4)
    return yaml.safe_load(text[4:end]) if end > 0 else None


def _entries(files: dict[str, Blob], base: str, recursive: bool) -> list[dict]:
    prefix = base.rstrip("/") + "/" if base else ""
    out: dict[str, dict] = {}
    for path, blob in sorted(files.items()):
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix) :].split("/")
        for depth in range(1, len(parts)):
            folder = prefix + "/".join(parts[:depth])
            if recursive or depth == 1:
                out.setdefault(
                    folder,
                    {
                        "type": "directory",
                        "path": folder,
                        "oid": hashlib.sha1(folder.encode()).hexdigest(),
                    },
                )
        if recursive or len(parts) == 1:
            out[path] = _file_entry(path, blob)
    return list(out.values())


def _file_entry(path: str, blob: Blob) -> dict:
    entry = {"type": "file", "path": path, "size": len(blob.data), "oid": blob.git_oid}
    if blob.lfs:
        entry["lfs"] = {"oid": blob.sha256, "size": len(blob.data), "pointerSize": 134}
    return entry


def _handler_for(hub: HubStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # an idle keep-alive connection is closed after this many seconds
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_HEAD(self) -> None:
            self._dispatch("HEAD")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def do_PUT(self) -> None:
            self._dispatch("PUT")

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = b""
                for _ in range(MAX_CHUNKS):
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
                    if len(data) > MAX_BODY:
                        break
                raise HttpError(413, "body too large")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                raise HttpError(413, "body too large")
            return self.rfile.read(length)

        def _send(
            self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, value: object, status: int = 200) -> None:
            self._send(status, json.dumps(value).encode(), {"Content-Type": "application/json"})

        def _dispatch(self, method: str) -> None:
            split = urlsplit(self.path)
            segments = [unquote(s) for s in split.path.strip("/").split("/")]
            query = parse_qs(split.query)
            headers = {k.lower(): v for k, v in self.headers.items()}
            hub.requests.append(f"{method} {split.path}")
            try:
                body = self._body() if method in ("POST", "PUT") else b""
                with hub.lock:
                    self._route(method, segments, query, headers, body)
            except Exception as error:  # every failure becomes an HTTP answer the client reads
                if not isinstance(error, HttpError):
                    error = HttpError(500, f"{type(error).__name__}: {error}")
                extra = {"X-Error-Code": error.code} if error.code else {}
                self._send(
                    error.status,
                    json.dumps({"error": error.message, **error.extra}).encode(),
                    {"Content-Type": "application/json", "X-Error-Message": error.message, **extra},
                )

        def _route(
            self, method: str, seg: list[str], query: dict, headers: dict, body: bytes
        ) -> None:
            user = hub.user(headers, required=False)
            if seg[:2] == ["api", "whoami-v2"]:
                name, role = hub.user(headers, required=True) or ("", "")
                return self._json(
                    {
                        "type": "user",
                        "name": name,
                        "orgs": [],
                        "auth": {"type": "access_token", "accessToken": {"role": role}},
                    }
                )
            if seg[:3] == ["api", "repos", "create"] and method == "POST":
                return self._json(hub.create(user, json.loads(body)))
            if seg[:2] == ["api", "validate-yaml"]:
                card = _front_matter(json.loads(body)["content"]) or {}
                if card.get("license") not in LICENSES | {None}:
                    raise HttpError(400, f'"license" must be one of {sorted(LICENSES)}')
                return self._json({"errors": [], "warnings": []})
            if seg[0] == "api" and len(seg) >= 4 and seg[1] in KINDS:
                return self._api(
                    method, KINDS[seg[1]], "/".join(seg[2:4]), seg[4:], query, user, body
                )
            kind = KINDS.get(seg[0], "model")
            rest = seg[1:] if seg[0] in KINDS else seg
            if seg[0] == "lfs-storage" and method == "PUT":
                if hashlib.sha256(body).hexdigest() != seg[1]:
                    raise HttpError(400, "sha256 mismatch")
                hub.lfs[seg[1]] = body
                return self._send(200)
            if (
                len(rest) >= 5
                and rest[1].endswith(".git")
                and rest[2:] == ["info", "lfs", "objects", "batch"]
            ):
                hub.repo(kind, f"{rest[0]}/{rest[1][:-4]}", hub.user(headers, True), write=True)
                objects = [
                    {**o, "authenticated": True}
                    if o["oid"] in hub.lfs
                    else {
                        **o,
                        "authenticated": True,
                        "actions": {"upload": {"href": f"{hub.endpoint}/lfs-storage/{o['oid']}"}},
                    }
                    for o in json.loads(body)["objects"]
                ]
                return self._json({"transfer": "basic", "objects": objects})
            if len(rest) >= 5 and rest[2] == "resolve":
                repo = hub.repo(kind, "/".join(rest[:2]), user, write=False)
                return self._resolve(repo, rest[3], "/".join(rest[4:]), headers)
            raise HttpError(404, f"no route for {method} /{'/'.join(seg)}")

        def _api(
            self,
            method: str,
            kind: str,
            repo_id: str,
            rest: list[str],
            query: dict,
            user: tuple[str, str] | None,
            body: bytes,
        ) -> None:
            action = rest[0] if rest else "info"
            repo = hub.repo(kind, repo_id, user, write=action in ("preupload", "commit", "branch"))
            if action == "info" or action == "revision":
                return self._json(hub.info(repo, rest[1] if rest else "main"))
            if action == "preupload":
                hub.snapshot(repo, rest[1])
                files = [
                    {
                        "path": f["path"],
                        "shouldIgnore": False,
                        "uploadMode": "lfs" if f["path"].endswith(".parquet") else "regular",
                    }
                    for f in json.loads(body)["files"]
                ]
                return self._json({"files": files, "commitOid": repo.resolve(rest[1])})
            if action == "commit":
                lines = [json.loads(line) for line in body.splitlines() if line.strip()]
                return self._json(hub.commit(repo, rest[1], lines, query.get("create_pr") == ["1"]))
            if action == "branch":
                start = json.loads(body or b"{}").get("startingPoint") or "main"
                if rest[1] in repo.refs:
                    raise HttpError(409, "Reference already exists")
                repo.refs[rest[1]] = hub.snapshot(repo, start)[0]
                return self._json({})
            if action == "tree":
                _, files = hub.snapshot(repo, rest[1])
                base = "/".join(rest[2:])
                entries = _entries(files, base, query.get("recursive") == ["True"])
                if base and not entries:
                    raise HttpError(404, f"{base} does not exist", "EntryNotFound")
                return self._json(entries)
            if action == "paths-info":
                _, files = hub.snapshot(repo, rest[1])
                wanted = parse_qs(body.decode()).get("paths", [])
                found = [
                    e
                    for p in wanted
                    for e in _entries(files, "", True)
                    if e["path"] == p.strip("/")
                ]
                return self._json(found)
            raise HttpError(404, f"no route for {method} api/{kind}s/{repo_id}/{'/'.join(rest)}")

        def _resolve(self, repo: Repo, revision: str, path: str, headers: dict) -> None:
            oid, files = hub.snapshot(repo, revision)
            blob = files.get(path)
            if blob is None:
                raise HttpError(404, f"{path} does not exist", "EntryNotFound")
            etag = blob.sha256 if blob.lfs else blob.git_oid
            meta = {"X-Repo-Commit": oid, "ETag": f'"{etag}"', "Accept-Ranges": "bytes"}
            if blob.lfs:
                meta |= {"X-Linked-Etag": f'"{etag}"', "X-Linked-Size": str(len(blob.data))}
            data, status = blob.data, 200
            if headers.get("range", "").startswith("bytes="):
                start_text, _, end_text = headers["range"][len("bytes=") :].partition("-")
                start = int(start_text or 0)
                end = min(int(end_text) if end_text else len(data) - 1, len(data) - 1)
                meta["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
                data, status = data[start : end + 1], 206
            self._send(status, data, meta)

    return Handler
