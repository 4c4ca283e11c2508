#!/usr/bin/python3
"""Checks the Salt side of SaltApiBridge (the salt/ tree) without a Salt master.

Renders every .sls, .jinja and .conf under salt/ with Jinja2 the way Salt would (a minimal but faithful
`salt` dunder, Salt's extra filters and the import_yaml tag, file_roots = salt/ and salt/states/ as
docs/salt-setup.md configures them), parses the output as YAML, and checks the contract with the daemon:
the event tags in src/SaltApiBridge/Lifecycle/BridgeEventTags.cs, salt-api on loopback (and the optional
TLS salt-api for the other masters of a multi-master Salt), the eauth user's rights against the functions the
daemon calls, exact targeting in the reactors, the master-local reactor switch, the appsettings.json/password
split (one password file per master), the multi-master settings against the daemon's option classes and
validator, and the systemd unit.

Run with Debian's interpreter (python3-jinja2, python3-yaml; systemd for systemd-analyze):
    /usr/bin/python3 tests/salt/check_salt_tree.py
Prints one line per case (`ok  name` / `FAIL name: reason`), then `N passed, M failed`; exits 1 on failure.
"""

import copy
import fnmatch
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

import jinja2
import jinja2.ext
import yaml
from jinja2 import nodes
from markupsafe import Markup

REPO = Path(__file__).resolve().parents[2]
SALT = REPO / "salt"
STATES = SALT / "states"
# Same order as the file_roots in docs/salt-setup.md: reactor/ and orch/ from salt/, states from salt/states/.
FILE_ROOTS = [SALT, STATES]
MASTER_D = SALT / "master.d"
# The optional TLS salt-api for the masters the bridge reaches from another host, and the name it is installed
# under (master.d merges *.conf in sorted order, so that name must sort after saltapibridge.conf).
REMOTE_EXAMPLE = MASTER_D / "saltapibridge.remote.conf.example"
SRC = REPO / "src" / "SaltApiBridge"
TAGS_CS = REPO / "src" / "SaltApiBridge" / "Lifecycle" / "BridgeEventTags.cs"
HOOK_PREFIX = "salt/netapi/hook/"  # what salt-api prepends to a /hook/<tag> call (BridgeEventTags.OnEventBus)

# The netapi clients the bridge uses: wheel keys, sync ping, async states, runner job lookups (GET /jobs).
EXPECTED_CLIENTS = {"local", "local_async", "runner", "wheel"}
EAUTH_USER = "saltapibridge"
# What the daemon calls through the eauth user, and what it must not be able to call.
NEEDED = {
    "local": ["test.ping", "state.highstate", "state.sls"],
    # key.finger / key.finger_master: only with several masters (SaltApi:Masters), same eauth file for both.
    "wheel": ["key.name_match", "key.list_all", "key.accept_dict", "key.delete_dict", "key.finger",
              "key.finger_master"],
    "runner": ["jobs.list_job", "jobs.lookup_jid"],
}
FORBIDDEN = {
    "local": ["cmd.run", "state.single", "state.apply", "test.pingX", "state.sls_id", "file.write"],
    "wheel": ["key.gen", "key.accept", "key.delete", "key.reject", "key.gen_accept", "config.update_config",
              "file_roots.write", "pillar_roots.write", "key.list_all_extra", "key.finger_all",
              "key.finger_masterX", "key.master_key_str"],
    "runner": ["jobs.list_jobs", "state.orchestrate", "salt.cmd", "cache.flush", "jobs.lookup_jid_x"],
}

SAMPLE_MINION = "web-asg-i-0123456789abcdef0"
SAMPLE_POST = {
    "instance_id": "i-0123456789abcdef0",
    "minion_id": SAMPLE_MINION,
    "group": "web-asg",
    "hook": "launch-hook",
    "jid": "20261125113337614027",
    "outcome": "continue",
    "correlation_id": "7f8c2b1e-0d6a-4c55-9c1e-3b1f0f8e2a44",
}
# Ids a forged hook call could carry; none of them may reach a target, a cache path or a YAML key.
HOSTILE_IDS = ["*", "web-*", "web-asg-i-0123?", "[a-z]*", "a,b", "../../etc", "minions/x", "x/../..",
               "web\n", " web", "", "a b", 'x"\n  evil: 1', "L@a,b", "G@os:Linux", 12345, None,
               ["web-asg-i-0123456789abcdef0"], {"x": 1}, "-rf"]

GRAINS = {"id": SAMPLE_MINION, "os_family": "Debian", "os": "Debian", "kernel": "Linux"}


# ---------------------------------------------------------------------------------------------------
# A minimal Salt: YAML loader, dictupdate, salt dunder, filters, import_yaml.
# ---------------------------------------------------------------------------------------------------

class SaltYamlLoader(yaml.SafeLoader):
    """Like Salt's SaltYamlSafeLoader in the way that matters here: a duplicate key is an error
    (two reactions or states with the same id would silently replace each other otherwise)."""


def _construct_unique_mapping(loader, node):
    loader.flatten_mapping(node)
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


SaltYamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def load_yaml(text):
    return yaml.load(text, Loader=SaltYamlLoader)


def dictupdate(dest, upd, merge_lists=False):
    """salt.utils.dictupdate.update: recursive for mappings, lists replaced unless merge_lists."""
    for key, value in upd.items():
        if isinstance(value, Mapping) and isinstance(dest.get(key), Mapping):
            dest[key] = dictupdate(dest[key], value, merge_lists)
        elif merge_lists and isinstance(value, list) and isinstance(dest.get(key), list):
            dest[key] = dest[key] + [v for v in value if v not in dest[key]]
        else:
            dest[key] = value
    return dest


_MISSING = object()


def traverse(data, key, default=_MISSING, delimiter=":"):
    """salt.utils.data.traverse_dict_and_list."""
    node = data
    for part in str(key).split(delimiter):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return default
    return node


class SaltDunder(dict):
    """The `salt` object: only the functions the tree uses, each behaving like Salt's."""

    def __init__(self, pillar, grains, opts):
        super().__init__()
        self.pillar, self.grains, self.opts = pillar, grains, opts
        self["pillar.get"] = self.pillar_get
        self["config.get"] = self.config_get
        self["grains.get"] = lambda key, default="", delimiter=":": traverse(grains, key, default, delimiter)
        self["grains.filter_by"] = self.grains_filter_by
        self["status.time"] = lambda format="%A, %d. %B %Y %I:%M%p": "2026-11-25T11:33:37+0000"

    def __missing__(self, key):
        raise KeyError(f"salt[{key!r}] is not provided by the check's salt dunder; add a faithful stub")

    def pillar_get(self, key, default="", merge=False, merge_nested_lists=None, delimiter=":", **_):
        if merge and isinstance(default, Mapping):
            ret = traverse(self.pillar, key, {}, delimiter)
            if isinstance(ret, Mapping):
                return dictupdate(copy.deepcopy(dict(default)), copy.deepcopy(dict(ret)),
                                  bool(merge_nested_lists))
            return copy.deepcopy(default) if ret == {} else ret
        ret = traverse(self.pillar, key, _MISSING, delimiter)
        return default if ret is _MISSING else ret

    def config_get(self, key, default="", delimiter=":", **_):
        for source in (self.opts, self.grains, self.pillar):
            ret = traverse(source, key, _MISSING, delimiter)
            if ret is not _MISSING:
                return ret
        return default

    def grains_filter_by(self, lookup_dict, grain="os_family", merge=None, default="default", base=None):
        value = traverse(self.grains, grain, None)
        ret = None
        for key in lookup_dict:
            if value is not None and fnmatch.fnmatchcase(str(value), str(key)):
                ret = lookup_dict[key]
                break
        if ret is None:
            ret = lookup_dict.get(default)
        if base and base in lookup_dict:
            ret = dictupdate(copy.deepcopy(lookup_dict[base]), ret or {})
        if merge:
            ret = dictupdate(copy.deepcopy(ret or {}), merge)
        return ret


def f_json(value, sort_keys=True, indent=None):
    """Salt's `json` filter (SerializerExtension.format_json): sorted keys, Markup result."""
    return Markup(json.dumps(value, sort_keys=sort_keys, indent=indent).strip())


def f_yaml(value, flow_style=True):
    txt = yaml.safe_dump(value, default_flow_style=flow_style).strip()
    if txt.endswith("\n..."):
        txt = txt[:-4]
    return Markup(txt)


def _text_of(value):
    return str(value) if isinstance(value, jinja2.environment.TemplateModule) else value


def f_load_yaml(value):
    return load_yaml(_text_of(value))


def f_load_json(value):
    return json.loads(_text_of(value))


def f_sha256(value):
    """Salt's sha256 filter: the hex digest of the text."""
    return hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def f_regex_match(txt, rgx, ignorecase=False, multiline=False):
    """Salt's regex_match: match.groups() or None (so a pattern without a group gives a falsy ())."""
    flags = (re.I if ignorecase else 0) | (re.M if multiline else 0)
    found = re.match(rgx, txt, flags)
    return found.groups() if found else None


class SerializerExtension(jinja2.ext.Extension):
    """Salt's {% import_yaml "file" as name %} / import_json: an import, then the load_* filter on it."""

    tags = {"import_yaml", "import_json"}

    def parse(self, parser):
        kind = parser.stream.current.value[len("import_"):]
        lineno = parser.stream.current.lineno
        import_node = parser.parse_import()  # consumes the tag name like `import`
        target = import_node.target
        return [
            import_node,
            nodes.Assign(
                nodes.Name(target, "store").set_lineno(lineno),
                nodes.Filter(nodes.Name(target, "load").set_lineno(lineno),
                             "load_" + kind, [], [], None, None).set_lineno(lineno),
            ).set_lineno(lineno),
        ]


def make_env():
    # Salt's defaults: no trim_blocks/lstrip_blocks, do + loopcontrols, its serializer extension.
    # StrictUndefined is stricter than Salt's default on purpose, so a misspelt name fails here.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in FILE_ROOTS]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols", SerializerExtension],
        keep_trailing_newline=True,
    )
    env.filters.update(json=f_json, yaml=f_yaml, load_yaml=f_load_yaml, load_json=f_load_json,
                       regex_match=f_regex_match, sha256=f_sha256)
    return env


ENV = make_env()


def template_name(path):
    """The salt:// path of a file: relative to the most specific file root that holds it."""
    path = Path(path).resolve()
    for root in sorted(FILE_ROOTS, key=lambda r: len(r.parts), reverse=True):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    raise ValueError(f"{path} is outside the file roots")


def render(path, **context):
    name = template_name(path)
    tpldir = str(Path(name).parent)
    ctx = {"saltenv": "base", "tpldir": "" if tpldir == "." else tpldir, "tplpath": str(path),
           "tplfile": name, "sls": name[:-4].replace("/", ".").removesuffix(".init") if name.endswith(".sls") else ""}
    ctx.update(context)
    return ENV.get_template(name).render(**ctx)


# ---------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------

def daemon_tags():
    """The tags the daemon fires: `const string Prefix = "...";` and `const string X = Prefix + "step";`."""
    text = TAGS_CS.read_text(encoding="utf-8")
    prefix = re.search(r'const\s+string\s+Prefix\s*=\s*"([^"]*)"\s*;', text)
    if not prefix:
        raise ValueError(f"no `const string Prefix = \"...\";` in {TAGS_CS}")
    consts = dict(re.findall(r'const\s+string\s+(\w+)\s*=\s*Prefix\s*\+\s*"([^"]+)"\s*;', text))
    if not consts:
        raise ValueError(f"no `const string X = Prefix + \"step\";` lines in {TAGS_CS}")
    all_list = re.search(r"\bAll\b[^=]*=\s*\[(.*?)\]", text, re.S)
    listed = set(re.findall(r"\w+", all_list.group(1))) if all_list else set()
    return {name: prefix.group(1) + step for name, step in consts.items()}, listed


def master_opts():
    """The master's opts as far as the tree sets them: every master.d file merged like include_config."""
    opts = {"id": "master_master", "cachedir": "/var/cache/salt/master"}
    for conf in sorted(MASTER_D.glob("*.conf")):
        dictupdate(opts, load_yaml(render(conf)) or {}, merge_lists=True)
    return opts


def pillar_example():
    """pillar.example as shipped: one master."""
    return load_yaml((SALT / "pillar.example").read_text(encoding="utf-8")) or {}


def multi_master_pillar():
    """pillar.example with its `# >>> two masters` blocks uncommented, as the admin of two masters does it (lines
    starting `# ` become YAML, `##` lines stay notes)."""
    return pillar_with("two masters")


def replicas_pillar():
    """The HA topology: pillar.example with its `two masters` and `several replicas` blocks uncommented."""
    return pillar_with("two masters", "several replicas")


def pillar_with(*blocks):
    """pillar.example with the `# >>> <block>` … `# <<< <block>` blocks of these names uncommented."""
    out, inside = [], None
    for line in (SALT / "pillar.example").read_text(encoding="utf-8").splitlines():
        opened = re.match(r"^\s*# >>> ([a-z]+(?: [a-z]+)*)", line)
        closed = re.match(r"^\s*# <<< ([a-z]+(?: [a-z]+)*)", line)
        if opened:
            inside = opened.group(1)
            continue
        if closed:
            inside = None
            continue
        found = re.match(r"^(\s*)# (?!#)(.*)$", line)
        out.append(found.group(1) + found.group(2) if inside in blocks and found else line)
    if inside:
        raise ValueError(f"pillar.example: a `# >>> {inside}` block is not closed")
    return load_yaml("\n".join(out)) or {}


def state_context(pillar=None, grains=None):
    pillar = pillar_example() if pillar is None else pillar
    grains = dict(GRAINS) if grains is None else grains
    opts = {"id": grains["id"], "file_client": "remote", "grains": grains}
    return {"salt": SaltDunder(pillar, grains, opts), "pillar": pillar, "grains": grains, "opts": opts}


def reactor_context(tag, post, opts=None):
    """A reactor sees tag, data and the master's opts; no pillar or grains (see the Reactor docs)."""
    opts = master_opts() if opts is None else opts
    data = {"_stamp": "2026-11-25T11:33:37.614027", "body": json.dumps(post), "post": post,
            "headers": {"Content-Type": "application/json", "X-Auth-Token": "0" * 40}}
    return {"tag": tag, "data": data, "opts": opts, "salt": SaltDunder({}, {}, opts)}


def orch_context(event, opts=None):
    """An orchestration runs on the master with the pillar the reactor passed."""
    opts = master_opts() if opts is None else opts
    pillar = {"saltapibridge_event": event}
    return {"salt": SaltDunder(pillar, {"id": opts["id"]}, opts), "pillar": pillar,
            "grains": {"id": opts["id"]}, "opts": opts}


def reactor_files():
    return sorted((SALT / "reactor").rglob("*.sls"))


def tag_for_reactor(path):
    return HOOK_PREFIX + "saltapibridge/" + Path(path).stem


def render_reactor(path, post, opts=None):
    return load_yaml(render(path, **reactor_context(tag_for_reactor(path), post, opts))) or {}


def render_orch(path, event, opts=None):
    return load_yaml(render(path, **orch_context(event, opts))) or {}


def reactor_mappings(opts):
    """[(tag pattern, [reactor file refs])] from the master's `reactor:` option."""
    result = []
    for entry in opts.get("reactor") or []:
        if not isinstance(entry, Mapping) or len(entry) != 1:
            raise ValueError(f"reactor entry is not a one-key mapping: {entry!r}")
        (pattern, files), = entry.items()
        result.append((pattern, files if isinstance(files, list) else [files]))
    return result


def resolve_salt_url(ref):
    """salt://path or an absolute path -> the file in this tree (or None)."""
    if ref.startswith("salt://"):
        rel = ref[len("salt://"):]
        for root in FILE_ROOTS:
            if (root / rel).is_file():
                return root / rel
        return None
    return Path(ref) if Path(ref).is_file() else None


def resolve_sls(mods):
    rel = mods.replace(".", "/")
    for root in FILE_ROOTS:
        for candidate in (root / f"{rel}.sls", root / rel / "init.sls"):
            if candidate.is_file():
                return candidate
    return None


def reaction_args(body):
    """A reaction's arguments as one dict: new-style `args: [{k: v}, ...]` plus direct `- k: v` items."""
    merged = {}
    for item in body if isinstance(body, list) else []:
        if isinstance(item, Mapping):
            for key, value in item.items():
                if key == "args" and isinstance(value, list):
                    for arg in value:
                        if isinstance(arg, Mapping):
                            merged.update(arg)
                else:
                    merged[key] = value
    return merged


def reactions(rendered):
    """[(id, function, args)] of a rendered reactor or orchestration."""
    out = []
    for rid, decl in (rendered or {}).items():
        if not isinstance(decl, Mapping):
            raise ValueError(f"{rid}: not a mapping")
        for fun, body in decl.items():
            out.append((rid, fun, reaction_args(body)))
    return out


def eauth_allows(perms, client, fun):
    """salt.utils.minions.CkMinions semantics for one function: strings are regexes (re.match) for
    local functions on any target, `@wheel`/`@runner` dicts list regexes for that client's functions."""
    for entry in perms:
        if client == "local":
            if isinstance(entry, str) and not entry.startswith("@") and re.match(entry, fun):
                return True
            if isinstance(entry, Mapping) and len(entry) == 1:
                (target, funs), = entry.items()
                if not str(target).startswith("@"):
                    for cond in funs if isinstance(funs, list) else [funs]:
                        cond = next(iter(cond)) if isinstance(cond, Mapping) else cond
                        if re.match(str(cond), fun):
                            return True
        else:
            mod = fun.split(".")[0]
            if isinstance(entry, str) and entry in (f"@{client}", f"@{client}s", f"@{mod}"):
                return True
            if isinstance(entry, Mapping) and len(entry) == 1:
                (key, funs), = entry.items()
                if key in (f"@{client}", f"@{client}s", f"@{mod}"):
                    name = fun if key != f"@{mod}" else fun.split(".", 1)[1]
                    for cond in funs if isinstance(funs, list) else [funs]:
                        cond = next(iter(cond)) if isinstance(cond, Mapping) else cond
                        if re.match(str(cond), name):
                            return True
    return False


# ---------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


@case
def daemon_tags_parsed():
    tags, listed = daemon_tags()
    expect(len(tags) >= 1, "no tags")
    missing = sorted(set(tags) - listed)
    expect(not missing, f"constants not in BridgeEventTags.All: {missing}")


@case
def yaml_sources_parse():
    for path in [SALT / "pillar.example", *sorted(SALT.rglob("defaults.yaml"))]:
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise CheckFailed(f"{path.relative_to(REPO)}: {exc}") from exc
        expect(isinstance(data, Mapping), f"{path.relative_to(REPO)}: not a mapping")


def _render_all(suffix):
    problems, count = [], 0
    for path in sorted(SALT.rglob(f"*{suffix}")):
        rel = path.relative_to(REPO)
        top = path.relative_to(SALT).parts[0]
        try:
            if top == "reactor":
                ctx = reactor_context(tag_for_reactor(path), dict(SAMPLE_POST))
            elif top == "orch":
                ctx = orch_context({"action": "join", "step": "provisioned", "minion_id": SAMPLE_MINION,
                                    "instance_id": "i-0123456789abcdef0", "group": "web-asg"})
            elif top == "master.d":
                ctx = {}
            else:
                ctx = state_context()
            out = render(path, **ctx)
            if suffix in (".sls", ".conf"):
                data = load_yaml(out)
                expect(data is None or isinstance(data, Mapping), f"{rel}: renders to {type(data).__name__}")
            count += 1
        except CheckFailed as exc:
            problems.append(str(exc))
        except Exception as exc:  # noqa: BLE001 -- any render/parse error is the finding
            problems.append(f"{rel}: {type(exc).__name__}: {exc}")
    expect(count or problems, f"no {suffix} files found")
    expect(not problems, "; ".join(problems))


@case
def render_sls():
    _render_all(".sls")


@case
def render_jinja():
    _render_all(".jinja")


@case
def render_conf():
    _render_all(".conf")


@case
def reactor_mapping_covers_every_daemon_tag():
    tags, _ = daemon_tags()
    patterns = [p for p, _ in reactor_mappings(master_opts())]
    unmapped = sorted(HOOK_PREFIX + t for t in tags.values()
                      if not any(fnmatch.fnmatchcase(HOOK_PREFIX + t, p) for p in patterns))
    expect(not unmapped, f"daemon tags without a reactor mapping in master.d: {unmapped}")


@case
def reactor_mapping_names_only_daemon_tags():
    tags, _ = daemon_tags()
    bus_tags = [HOOK_PREFIX + t for t in tags.values()]
    unknown = sorted(p for p, _ in reactor_mappings(master_opts())
                     if not any(fnmatch.fnmatchcase(t, p) for t in bus_tags))
    expect(not unknown, f"mappings for tags the daemon never fires: {unknown}")
    globbed = sorted(p for p, _ in reactor_mappings(master_opts()) if any(c in p for c in "*?["))
    expect(not globbed, f"glob tag patterns (map each tag on purpose): {globbed}")


@case
def reactor_files_exist():
    missing = [f"{pattern} -> {ref}" for pattern, refs in reactor_mappings(master_opts())
               for ref in refs if resolve_salt_url(ref) is None]
    expect(not missing, f"reactor files not found: {missing}")
    mapped = {resolve_salt_url(ref).resolve() for _, refs in reactor_mappings(master_opts()) for ref in refs}
    orphans = [str(p.relative_to(REPO)) for p in reactor_files() if p.resolve() not in mapped]
    expect(not orphans, f"reactor files no tag maps to: {orphans}")


@case
def orchestrations_exist():
    referenced, missing = set(), []
    for path in reactor_files():
        for rid, fun, args in reactions(render_reactor(path, dict(SAMPLE_POST))):
            if fun in ("runner.state.orchestrate", "runner.state.orch"):
                mods = args.get("mods")
                for mod in mods if isinstance(mods, list) else str(mods).split(","):
                    referenced.add(mod)
                    if resolve_sls(mod) is None:
                        missing.append(f"{path.name}:{rid} -> {mod}")
    expect(referenced, "no reactor runs an orchestration")
    expect(not missing, f"orchestrations not found: {missing}")


@case
def netapi_enable_clients():
    clients = master_opts().get("netapi_enable_clients")
    expect(isinstance(clients, list), "netapi_enable_clients is not a list")
    expect(set(clients) == EXPECTED_CLIENTS,
           f"expected exactly {sorted(EXPECTED_CLIENTS)}, got {sorted(map(str, clients))}")


@case
def rest_cherrypy_on_loopback():
    rc = master_opts().get("rest_cherrypy") or {}
    expect(rc.get("host") == "127.0.0.1", f"host is {rc.get('host')!r}, not 127.0.0.1")
    expect(isinstance(rc.get("port"), int), f"port is {rc.get('port')!r}")
    expect(rc.get("disable_ssl") is True, "disable_ssl should be True (loopback only)")
    expect(rc.get("webhook_url") == "/hook", f"webhook_url is {rc.get('webhook_url')!r}")
    expect(rc.get("webhook_disable_auth") is not True, "webhook_disable_auth must stay off")


@case
def daemon_base_url_matches_salt_api():
    port = (master_opts().get("rest_cherrypy") or {}).get("port")
    sources = {
        "states/saltapibridge/defaults.yaml":
            load_yaml((STATES / "saltapibridge/defaults.yaml").read_text())["saltapibridge"],
        "pillar.example": pillar_example()["saltapibridge"],
    }
    for name, data in sources.items():
        url = traverse(data, "settings:SaltApi:BaseUrl", None)
        expect(url, f"{name}: no settings:SaltApi:BaseUrl")
        parsed = urlparse(url)
        expect(parsed.hostname == "127.0.0.1", f"{name}: BaseUrl host {parsed.hostname!r} is not loopback")
        expect(parsed.port == port, f"{name}: BaseUrl port {parsed.port} != rest_cherrypy port {port}")
        expect(traverse(data, "settings:SaltApi:Username", None) in (None, EAUTH_USER),
               f"{name}: SaltApi:Username is not {EAUTH_USER}")


@case
def external_auth_least_privilege():
    eauth = master_opts().get("external_auth") or {}
    backends = [b for b, users in eauth.items() if isinstance(users, Mapping) and EAUTH_USER in users]
    expect(len(backends) == 1, f"user {EAUTH_USER} found under {backends or 'no'} eauth backend(s)")
    perms = eauth[backends[0]][EAUTH_USER]
    expect(isinstance(perms, list), "permission list is not a list")
    broad = [p for p in perms if isinstance(p, str) and p in ("@wheel", "@runner", "@runners", "@jobs", ".*", "*")]
    expect(not broad, f"blanket permissions: {broad}")
    problems = []
    for client, funs in NEEDED.items():
        problems += [f"{client} {f} not allowed" for f in funs if not eauth_allows(perms, client, f)]
    for client, funs in FORBIDDEN.items():
        problems += [f"{client} {f} allowed" for f in funs if eauth_allows(perms, client, f)]
    expect(not problems, "; ".join(problems))


def _targets(items):
    return [(rid, fun, args) for rid, fun, args in items
            if fun.startswith("local.") or fun.startswith("cmd.") or "tgt" in args]


@case
def reactors_target_one_exact_minion():
    problems = []
    for path in reactor_files():
        for rid, fun, args in _targets(reactions(render_reactor(path, dict(SAMPLE_POST)))):
            if args.get("tgt_type") != "list" or args.get("tgt") not in ([SAMPLE_MINION], SAMPLE_MINION):
                problems.append(f"{path.name}:{rid} targets {args.get('tgt')!r} as {args.get('tgt_type')!r}")
        for rid, fun, args in reactions(render_reactor(path, dict(SAMPLE_POST))):
            event = traverse(args, "pillar:saltapibridge_event", None)
            if event is not None and event.get("minion_id") != SAMPLE_MINION:
                problems.append(f"{path.name}:{rid} passes minion_id {event.get('minion_id')!r}")
    orch = SALT / "orch/saltapibridge/membership.sls"
    configured = master_opts()
    configured["saltapibridge_reactor"]["pool"].update(tgt="G@roles:haproxy", sls="haproxy.pool")
    for opts in (master_opts(), configured):
        for action in ("join", "leave", "forget"):
            event = {"action": action, "minion_id": SAMPLE_MINION, "step": "x", "instance_id": "", "group": ""}
            for rid, fun, args in reactions(render_orch(orch, event, opts)):
                tgt = args.get("tgt")
                if tgt is None:
                    continue
                if SAMPLE_MINION in json.dumps(tgt) and (args.get("tgt_type") != "list" or tgt != [SAMPLE_MINION]):
                    problems.append(f"membership {action}:{rid} targets {tgt!r} as {args.get('tgt_type')!r}")
                if SAMPLE_MINION not in json.dumps(tgt) and tgt != "G@roles:haproxy":
                    problems.append(f"membership {action}:{rid} targets unexpected {tgt!r}")
    expect(not problems, "; ".join(dict.fromkeys(problems)))


@case
def reactors_ignore_untrusted_minion_ids():
    """A forged hook must not reach a target, an orchestration or a cache path, and must not break YAML."""
    problems = []
    for path in reactor_files():
        for hostile in HOSTILE_IDS:
            post = dict(SAMPLE_POST, minion_id=hostile, group='g"\n  injected: 1', hook="h: [x]",
                        correlation_id="{{ 7*7 }}\n- evil")
            try:
                rendered = render_reactor(path, post)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"{path.name} with {hostile!r}: {type(exc).__name__}: {exc}")
                continue
            for rid, fun, args in reactions(rendered):
                if fun != "runner.salt.cmd":
                    problems.append(f"{path.name} with {hostile!r}: {rid} runs {fun}")
                elif not str(args.get("fun", "")).startswith("log.") and args.get("fun") != \
                        (master_opts()["saltapibridge_reactor"]["notify"].get("fun")):
                    problems.append(f"{path.name} with {hostile!r}: {rid} calls {args.get('fun')!r}")
            if "injected" in rendered or "evil" in rendered:
                problems.append(f"{path.name}: event data became YAML keys")
    orch = SALT / "orch/saltapibridge/membership.sls"
    for hostile in HOSTILE_IDS:
        for action in ("join", "forget", "drop"):
            rendered = render_orch(orch, {"action": action, "minion_id": hostile})
            funs = sorted({fun for _, fun, _ in reactions(rendered)})
            if funs != ["test.fail_without_changes"]:
                problems.append(f"membership {action} with {hostile!r}: runs {funs}")
    expect(not problems, "; ".join(problems[:6]) + (f" (+{len(problems) - 6} more)" if len(problems) > 6 else ""))


@case
def failure_reactors_log_and_notify():
    opts = master_opts()
    opts["saltapibridge_reactor"]["notify"].update(fun="slack.post_message", kwargs={"channel": "#ops"})
    problems = []
    for step in ("provision_failed", "clean_failed", "refused"):
        items = reactions(render_reactor(SALT / f"reactor/saltapibridge/{step}.sls", dict(SAMPLE_POST), opts))
        funs = {args.get("fun") for _, fun, args in items if fun == "runner.salt.cmd"}
        if "log.warning" not in funs or "slack.post_message" not in funs:
            problems.append(f"{step}: calls {sorted(map(str, funs))}")
        messages = [args.get("message", "") for _, _, args in items]
        if not all(SAMPLE_POST["jid"] in m and SAMPLE_POST["correlation_id"] in m for m in messages):
            problems.append(f"{step}: message lacks jid/correlation_id")
    expect(not problems, "; ".join(problems))


def _ids_with_includes(sls_path, ctx, seen=None):
    seen = set() if seen is None else seen
    if sls_path in seen:
        return {}
    seen.add(sls_path)
    data = load_yaml(render(sls_path, **ctx)) or {}
    ids = {k: v for k, v in data.items() if k not in ("include", "extend")}
    for inc in data.get("include", []) or []:
        target = resolve_sls(inc)
        expect(target is not None, f"{sls_path.name}: include {inc} not found")
        ids.update(_ids_with_includes(target, ctx, seen))
    return ids


def _included(sls_path, ctx, seen=None):
    """The sls names an sls includes, directly or through its includes."""
    seen = set() if seen is None else seen
    for inc in (load_yaml(render(sls_path, **ctx)) or {}).get("include", []) or []:
        if inc not in seen:
            seen.add(inc)
            target = resolve_sls(inc)
            if target is not None:
                _included(target, ctx, seen)
    return seen


def _requisite_problems(sls_path, ctx):
    ids = _ids_with_includes(sls_path, ctx)
    problems = []
    for sid, decl in ids.items():
        for fun, body in decl.items():
            for item in body if isinstance(body, list) else []:
                if not isinstance(item, Mapping):
                    continue
                for req in ("require", "watch", "onchanges", "prereq", "require_in", "watch_in"):
                    for ref in item.get(req, []) or []:
                        if isinstance(ref, Mapping) and "sls" in ref:
                            if resolve_sls(ref["sls"]) is None or ref["sls"] not in _included(sls_path, ctx):
                                problems.append(f"{sls_path.name}:{sid} {req} sls: {ref['sls']} not included")
                        elif isinstance(ref, Mapping):
                            (mod, rid), = ref.items()
                            target = ids.get(rid)
                            if target is None or not any(f.split(".")[0] == mod for f in target):
                                problems.append(f"{sls_path.name}:{sid} {req} {mod}: {rid} not found")
                        elif ref not in ids:
                            problems.append(f"{sls_path.name}:{sid} {req} {ref} not found")
    return problems


@case
def requisites_resolve():
    problems = []
    full = multi_master_pillar()
    empty = {}
    with_ca = copy.deepcopy(full)  # another master with its CA file: one more watched state
    with_ca["saltapibridge"]["salt_api"]["masters"]["salt-b"]["ca_certificate"] = "-----BEGIN CERTIFICATE-----\n"
    for sls in sorted(STATES.rglob("*.sls")):
        for pillar in (full, empty, with_ca, single_master_pillar(), pillar_example(), *install_method_pillars().values()):
            problems += _requisite_problems(sls, state_context(pillar))
    orch = SALT / "orch/saltapibridge/membership.sls"
    for action in ("join", "leave", "forget"):
        problems += _requisite_problems(orch, orch_context({"action": action, "minion_id": SAMPLE_MINION}))
    expect(not problems, "; ".join(sorted(set(problems))))


@case
def clean_state_steps_follow_pillar():
    init = STATES / "clean/init.sls"
    off = {"clean": {k: {"enabled": False} for k in ("deregister_monitoring", "flush_logs", "marker")}}
    ids = set(load_yaml(render(init, **state_context(off))) or {})
    expect(ids == {"clean-done"}, f"all steps off still renders {sorted(ids)}")
    full = load_yaml(render(init, **state_context())) or {}
    want = {"clean-monitoring-agent-node_exporter", "clean-monitoring-deregister-consul", "clean-flush-journal",
            "clean-logrotate", "clean-flush-shipper-fluent-bit", "clean-marker", "clean-done"}
    expect(set(full) == want, f"pillar.example renders {sorted(full)}, expected {sorted(want)}")
    defaults = load_yaml(render(init, **state_context({}))) or {}
    expect({"clean-flush-journal", "clean-marker", "clean-done"} <= set(defaults),
           f"defaults render {sorted(defaults)}")


@case
def appsettings_json_has_no_password():
    pillar = pillar_example()
    secret = pillar["saltapibridge"]["salt_api"]["password"]
    text = render(STATES / "saltapibridge/files/appsettings.json.jinja", **state_context(pillar))
    settings = json.loads(text)
    expect(secret not in text and "Password\"" not in text, "the password is in appsettings.json")
    expect(settings["SaltApi"]["PasswordFile"] == "/etc/saltapibridge/salt-api.password",
           f"SaltApi:PasswordFile is {settings['SaltApi'].get('PasswordFile')!r}")
    for section in ("SaltApi", "AutoScaling", "Queue", "Bridge", "Health"):
        expect(section in settings, f"section {section} missing")
    expect(settings["Bridge"]["CleanStates"] == ["clean"], "Bridge:CleanStates is not [clean]")
    # A password put under settings is kept out of the file and reported by a failing state.
    leaked = copy.deepcopy(pillar)
    leaked["saltapibridge"]["settings"]["SaltApi"]["Password"] = "leaked-secret"
    text = render(STATES / "saltapibridge/files/appsettings.json.jinja", **state_context(leaked))
    expect("leaked-secret" not in text, "settings:SaltApi:Password reaches appsettings.json")
    config = load_yaml(render(STATES / "saltapibridge/config/file.sls", **state_context(leaked)))
    expect("saltapibridge-password-in-settings" in config, "no failing state for settings:SaltApi:Password")


@case
def password_file_only_for_the_service_user():
    pillar = pillar_example()
    secret = pillar["saltapibridge"]["salt_api"]["password"]
    text = render(STATES / "saltapibridge/config/file.sls", **state_context(pillar))
    expect(secret not in text, "the password is rendered into config.sls")
    state = load_yaml(text)["saltapibridge-salt-api-password"]["file.managed"]
    args = {k: v for item in state for k, v in item.items()}
    expect(args.get("name") == "/etc/saltapibridge/salt-api.password", f"name is {args.get('name')!r}")
    expect(str(args.get("mode")) == "0400", f"mode is {args.get('mode')!r}")
    expect(args.get("user") == "saltapibridge" and args.get("group") == "saltapibridge",
           f"owner is {args.get('user')}:{args.get('group')}")
    expect(args.get("contents_pillar") == "saltapibridge:salt_api:password", "not from contents_pillar")
    expect(args.get("show_changes") is False, "show_changes is not False")
    missing = copy.deepcopy(pillar)
    del missing["saltapibridge"]["salt_api"]
    state = load_yaml(render(STATES / "saltapibridge/config/file.sls", **state_context(missing)))
    expect("test.fail_without_changes" in state["saltapibridge-salt-api-password"],
           "a missing password does not fail the state")


def _unit_text(pillar=None):
    return render(STATES / "saltapibridge/files/saltapibridge.service.jinja", **state_context(pillar))


def _unit_directives(text):
    section, out = None, {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        out.setdefault((section, key.strip()), []).append(value.strip())
    return out


@case
def systemd_unit_hardening():
    d = _unit_directives(_unit_text())
    required = {
        "Type": "notify", "User": "saltapibridge", "Group": "saltapibridge", "Restart": "on-failure",
        "ExecStart": "/opt/saltapibridge/saltapibridge run --config /etc/saltapibridge/appsettings.json",
        "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
        "PrivateDevices": "yes", "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes",
        "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes", "CapabilityBoundingSet": "",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "SystemCallFilter": "@system-service",
        "RestrictSUIDSGID": "yes", "LockPersonality": "yes", "MemoryDenyWriteExecute": "yes",
    }
    problems = [f"{k}={d.get(('Service', k))} (want {v!r})" for k, v in required.items()
                if d.get(("Service", k)) != [v]]
    ro = " ".join(d.get(("Service", "ReadOnlyPaths"), []))
    if "/opt/saltapibridge" not in ro or "/etc/saltapibridge" not in ro:
        problems.append(f"ReadOnlyPaths={ro!r}")
    # Only the Native AOT executable can live with MemoryDenyWriteExecute: a JIT needs W+X memory.
    csproj = (REPO / "src" / "SaltApiBridge" / "SaltApiBridge.csproj").read_text()
    if "<PublishAot>true</PublishAot>" not in csproj:
        problems.append("MemoryDenyWriteExecute=yes needs the daemon published as Native AOT (PublishAot)")
    if d.get(("Install", "WantedBy")) != ["multi-user.target"]:
        problems.append("not WantedBy=multi-user.target")
    expect(not problems, "; ".join(problems))


def daemon_settings_keys():
    """Section -> property names, read from the daemon's *Options classes (SectionName = "...")."""
    known = {"Logging": None}
    for path in (REPO / "src" / "SaltApiBridge").rglob("*Options.cs"):
        text = path.read_text()
        section = re.search(r'SectionName\s*=\s*"([^"]+)"', text)
        if section:
            known[section.group(1)] = set(re.findall(r"public\s+[\w<>?,\s\[\]]+?\s+(\w+)\s*\{\s*get;", text))
    return known


@case
def appsettings_json_uses_only_daemon_keys():
    known = daemon_settings_keys()
    for pillar in (pillar_example(), {}):
        settings = json.loads(render(STATES / "saltapibridge/files/appsettings.json.jinja", **state_context(pillar)))
        for section, values in settings.items():
            expect(section in known, f"appsettings.json section {section} is not read by the daemon")
            if known[section] is not None:
                unknown = sorted(set(values) - known[section])
                expect(not unknown, f"{section} keys the daemon ignores: {unknown}")


@case
def appsettings_log_levels_match_daemon_defaults():
    # The formula writes the daemon's default levels out; the two must not drift apart.
    source = (REPO / "src" / "SaltApiBridge" / "Hosting" / "BridgeLogging.cs").read_text()
    defaults = dict(re.findall(r'\["Logging:LogLevel:([^"]+)"\]\s*=\s*"(\w+)"', source))
    settings = json.loads(render(STATES / "saltapibridge/files/appsettings.json.jinja", **state_context(pillar_example())))
    levels = settings.get("Logging", {}).get("LogLevel", {})
    expect(defaults and levels == defaults, f"Logging:LogLevel {levels} differs from the daemon's defaults {defaults}")


@case
def appsettings_drain_matches_unit():
    for drain in (60, 300, 3725):
        pillar = pillar_example()
        pillar["saltapibridge"]["service"]["drain_timeout_seconds"] = drain
        settings = json.loads(render(STATES / "saltapibridge/files/appsettings.json.jinja", **state_context(pillar)))
        h, m, sec = (int(x) for x in settings["Pipeline"]["DrainTimeout"].split(":"))
        expect(h * 3600 + m * 60 + sec == drain, f"Pipeline:DrainTimeout {settings['Pipeline']['DrainTimeout']} for {drain}s")


@case
def systemd_stop_timeout_exceeds_drain():
    for drain in (60, 300):
        pillar = pillar_example()
        pillar["saltapibridge"]["service"]["drain_timeout_seconds"] = drain
        stop = _unit_directives(_unit_text(pillar)).get(("Service", "TimeoutStopSec"), ["0"])[0]
        expect(stop.isdigit() and int(stop) > drain, f"TimeoutStopSec={stop} with a {drain}s drain")


@case
def systemd_unit_verify():
    """systemd-analyze verify on the rendered unit, inside a throw-away root.

    verify refuses a unit whose ExecStart binary does not exist, and the published daemon is not in this
    checkout, so the unit goes into a temp root with a stub executable at the ExecStart path and a copy
    of the host's unit directory (verify needs sysinit.target and friends under --root). Unknown or
    misspelt directives only produce warnings (exit code 0), so any warning about the unit file fails the
    case too. Without systemd-analyze or the host's units (a bare container) the case falls back to the
    structural checks of systemd_unit_hardening and says so.
    """
    text = _unit_text()
    tool = shutil.which("systemd-analyze")
    units = next((p for p in (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system"))
                  if (p / "sysinit.target").exists()), None)
    if tool is None or units is None:
        systemd_unit_hardening()
        return "fallback: structural check only (no systemd-analyze or no system units here)"
    exec_start = _unit_directives(text)[("Service", "ExecStart")][0].split()[0]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        unit_dir = root / "etc/systemd/system"
        unit_dir.mkdir(parents=True)
        (unit_dir / "saltapibridge.service").write_text(text, encoding="utf-8")
        stub = root / exec_start.lstrip("/")
        stub.parent.mkdir(parents=True)
        stub.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        stub.chmod(0o755)
        shutil.copytree(units, root / "usr/lib/systemd/system", symlinks=True)
        proc = subprocess.run([tool, "verify", "--man=no", "--generators=no", f"--root={root}",
                               "saltapibridge.service"], capture_output=True, text=True, timeout=120)
    output = (proc.stdout + proc.stderr).strip()
    ours = [line for line in output.splitlines() if "saltapibridge" in line]
    expect(proc.returncode == 0, f"exit {proc.returncode}: {output}")
    expect(not ours, " | ".join(ours))


# ---------------------------------------------------------------------------------------------------
# The daemon's calls and option classes, read from its source (so the Salt tree cannot drift from them)
# ---------------------------------------------------------------------------------------------------

def daemon_salt_calls():
    """{(netapi client, function)} the daemon builds as `new Lowstate(<client>, "<fun>")`; a client given by
    a `const string Name = "client";` of the same file is resolved, one held in a variable (Preflight's loop
    over clients) is None."""
    calls = set()
    for path in sorted(SRC.rglob("*.cs")):
        text = path.read_text(encoding="utf-8")
        consts = dict(re.findall(r'const\s+string\s+(\w+)\s*=\s*"([^"]*)"\s*;', text))
        for client, fun in re.findall(r'new\s+Lowstate\(\s*("?\w+"?)\s*,\s*"([\w.]+)"\s*\)', text):
            calls.add((client.strip('"') if client.startswith('"') else consts.get(client), fun))
    return calls


def class_properties(name):
    """Property names of `class <name>` in the daemon (the binder reads public get/set or get-only ones)."""
    for path in SRC.rglob(f"{name}.cs"):
        text = path.read_text(encoding="utf-8")
        if re.search(rf"\bclass\s+{name}\b", text):
            return set(re.findall(r"public\s+[\w<>?,\s\[\]]+?\s+(\w+)\s*\{\s*get;", text))
    raise ValueError(f"class {name} not found under {SRC.relative_to(REPO)}")


def daemon_master_name_regex():
    text = (SRC / "Salt" / "SaltApiOptionsValidator.cs").read_text(encoding="utf-8")
    found = re.search(r'GeneratedRegex\("([^"]+)"\)\]\s*private\s+static\s+partial\s+Regex\s+MasterName\(', text)
    if not found:
        raise ValueError("no [GeneratedRegex(...)] MasterName() in SaltApiOptionsValidator.cs")
    return found.group(1)


def daemon_topologies():
    text = (SRC / "Salt" / "SaltApiOptions.cs").read_text(encoding="utf-8")
    found = set(re.findall(r'"([\w-]+)"\s*=>\s*SaltTopology\.\w+', text))
    if not found:
        raise ValueError("no `\"name\" => SaltTopology.X` arms in SaltApiOptions.ParseTopology")
    return found


def daemon_enum_members(name):
    for path in SRC.rglob(f"{name}.cs"):
        body = re.search(rf"enum\s+{name}\s*\{{(.*?)\}}", path.read_text(encoding="utf-8"), re.S)
        if body:
            text = re.sub(r"///[^\n]*|//[^\n]*", "", body.group(1))
            return set(re.findall(r"\b([A-Z]\w*)\b\s*(?:=\s*\d+\s*)?,?", text))
    raise ValueError(f"enum {name} not found")


def timespan_seconds(value):
    """.NET TimeSpan text as the binder reads it ([d.]hh:mm:ss[.fff]); None if it is not one."""
    found = re.fullmatch(r"(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?", str(value))
    if not found:
        return None
    days, hours, minutes, seconds, _ = found.groups()
    return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + int(seconds)


def single_master_pillar():
    """The two-master pillar taken back to one master: without the other masters' secrets and multi-master keys."""
    pillar = multi_master_pillar()
    pillar["saltapibridge"]["salt_api"].pop("masters", None)
    for key in ("Name", "Topology", "MasterDown", "MasterDownTimeout", "MasterRetryInterval", "Masters"):
        pillar["saltapibridge"]["settings"]["SaltApi"].pop(key, None)
    return pillar


def _appsettings(pillar):
    return json.loads(render(STATES / "saltapibridge/files/appsettings.json.jinja", **state_context(pillar)))


def _config_states(pillar):
    """config.sls's state ids and declarations (without `include`)."""
    states = load_yaml(render(STATES / "saltapibridge/config/file.sls", **state_context(pillar))) or {}
    return {sid: decl for sid, decl in states.items() if sid not in ("include", "extend")}


def _state_args(decl):
    (fun, body), = decl.items()
    return fun, {k: v for item in body if isinstance(item, Mapping) for k, v in item.items()}


@case
def eauth_allows_every_call_the_daemon_makes():
    calls = daemon_salt_calls()
    expect(("wheel", "key.accept_dict") in calls and ("local_async", "state.highstate") in calls,
           f"the daemon's Lowstate calls were not found (parsed {sorted(calls, key=str)})")
    opts = master_opts()
    perms = opts["external_auth"]["file"][EAUTH_USER]
    clients = set(opts.get("netapi_enable_clients") or [])
    problems = []
    for client, fun in sorted(calls, key=str):
        if client is None:  # the client is a variable: the function must be allowed through one of them
            if not any(eauth_allows(perms, c, fun) for c in ("local", "wheel", "runner")):
                problems.append(f"{fun} (client not known statically) not allowed to {EAUTH_USER}")
            continue
        if client not in clients:
            problems.append(f"client {client} ({fun}) not in netapi_enable_clients")
        if not eauth_allows(perms, "local" if client.startswith("local") else client, fun):
            problems.append(f"{client} {fun} not allowed to {EAUTH_USER}")
    expect(not problems, "; ".join(problems))


@case
def remote_salt_api_example_is_tls_and_wins_the_merge():
    installed = REMOTE_EXAMPLE.name.removesuffix(".example")
    expect(REMOTE_EXAMPLE.is_file(), f"{REMOTE_EXAMPLE.relative_to(REPO)} missing")
    expect(installed.endswith(".conf"), f"installed name {installed} is not a master.d *.conf")
    names = sorted([installed] + [p.name for p in MASTER_D.glob("*.conf")])
    expect(names.index(installed) > names.index("saltapibridge.conf"),
           f"{installed} sorts before saltapibridge.conf, so its rest_cherrypy keys would lose the merge")
    remote = load_yaml(render(REMOTE_EXAMPLE)) or {}
    expect(set(remote) == {"rest_cherrypy"},
           f"it sets {sorted(remote)}: only rest_cherrypy (lists such as netapi_enable_clients would concatenate)")
    merged = {}
    for name in names:  # Salt's order: sorted file names, recursive merge, lists concatenated
        source = REMOTE_EXAMPLE if name == installed else MASTER_D / name
        dictupdate(merged, load_yaml(render(source)) or {}, merge_lists=True)
    rc = merged["rest_cherrypy"]
    host = str(rc.get("host"))
    expect(host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."),
           f"merged host {host!r} is loopback: the bridge's host could not reach it")
    expect(rc.get("disable_ssl") is False, f"merged disable_ssl is {rc.get('disable_ssl')!r}, not False")
    expect(str(rc.get("ssl_crt", "")).startswith("/") and str(rc.get("ssl_key", "")).startswith("/"),
           f"ssl_crt/ssl_key not absolute paths: {rc.get('ssl_crt')!r}, {rc.get('ssl_key')!r}")
    expect(rc.get("webhook_url") == "/hook" and rc.get("webhook_disable_auth") is not True,
           "the merged salt-api lost webhook_url or gained webhook_disable_auth")
    expect(merged.get("netapi_enable_clients") == master_opts().get("netapi_enable_clients"),
           "netapi_enable_clients changed by the merge")


def _valid_post_reactions(opts):
    out = {}
    for path in reactor_files():
        out[path.stem] = reactions(render_reactor(path, dict(SAMPLE_POST), opts))
    return out


@case
def reactors_act_only_where_active():
    default = master_opts()
    expect(default["saltapibridge_reactor"].get("active", True) is True,
           "master.d ships saltapibridge_reactor:active other than true (every master must act by default)")
    configured = master_opts()
    configured["saltapibridge_reactor"]["notify"].update(fun="slack.post_message", kwargs={"channel": "#ops"})
    acting = _valid_post_reactions(configured)
    orchestrating = sorted(step for step, items in acting.items()
                           if any(fun == "runner.state.orchestrate" for _, fun, _ in items))
    expect(orchestrating == ["key_deleted", "provisioned", "terminating"],
           f"with active true, membership runs for {orchestrating}")
    problems = []
    for value in (False, "false", "False", "no", "off", 0, "0"):
        opts = copy.deepcopy(configured)
        opts["saltapibridge_reactor"]["active"] = value
        for step, items in _valid_post_reactions(opts).items():
            funs = [(fun, args.get("fun")) for _, fun, args in items]
            if funs != [("runner.salt.cmd", "log.warning")]:
                problems.append(f"active={value!r}: {step} runs {funs}")
            elif "active is false" not in str(items[0][2].get("message")) or SAMPLE_POST["correlation_id"] \
                    not in str(items[0][2].get("message")):
                problems.append(f"active={value!r}: {step} logs {items[0][2].get('message')!r}")
    for value in (True, "true", "yes", None):
        opts = copy.deepcopy(configured)
        opts["saltapibridge_reactor"]["active"] = value
        if _valid_post_reactions(opts) != acting:
            problems.append(f"active={value!r} does not act like the default")
    opts = copy.deepcopy(configured)
    del opts["saltapibridge_reactor"]["active"]
    if _valid_post_reactions(opts) != acting:
        problems.append("a master.d without `active` does not act like active: true")
    expect(not problems, "; ".join(problems[:6]) + (f" (+{len(problems) - 6} more)" if len(problems) > 6 else ""))


@case
def formula_master_names_follow_the_daemon():
    daemon = daemon_master_name_regex()
    text = (STATES / "saltapibridge/map.jinja").read_text(encoding="utf-8")
    found = re.search(r"set\s+master_name_pattern\s*=\s*'\^\((.*)\)\$'", text)
    expect(found, "map.jinja has no master_name_pattern = '^(...)$'")
    expect("^" + found.group(1) + "$" == daemon,
           f"map.jinja's master name pattern ^{found.group(1)}$ differs from the daemon's {daemon}")


@case
def replicas_settings_are_valid_for_the_daemon():
    settings = _appsettings(replicas_pillar())
    coordination = settings.get("Coordination")
    expect(isinstance(coordination, Mapping) and coordination, "uncommenting `# >>> several replicas` gives no Coordination section")
    expect("Coordination" not in _appsettings(pillar_example()), "pillar.example as shipped switches the DynamoDB store on: one host first")
    problems = [f"Coordination:{key} is not a setting of CoordinationOptions" for key in coordination if key not in class_properties("CoordinationOptions")]
    if str(coordination.get("Store")) not in daemon_enum_members("CoordinationStoreKind"):
        problems.append(f"Store {coordination.get('Store')!r} not one of {sorted(daemon_enum_members('CoordinationStoreKind'))}")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{3,255}", str(coordination.get("TableName"))):
        problems.append(f"TableName {coordination.get('TableName')!r} is not a DynamoDB table name")
    if not timespan_seconds(coordination.get("LeaseDuration")) or not 5 <= timespan_seconds(coordination["LeaseDuration"]) <= 600:
        problems.append(f"LeaseDuration {coordination.get('LeaseDuration')!r} is not between 00:00:05 and 00:10:00")
    expect(settings["SaltApi"].get("Masters"), "the HA topology needs the other master under SaltApi:Masters")
    expect(not problems, "; ".join(problems))


@case
def multi_master_settings_are_valid_for_the_daemon():
    settings = _appsettings(multi_master_pillar())["SaltApi"]
    problems = []
    name_rx = daemon_master_name_regex()
    masters = settings.get("Masters")
    expect(isinstance(masters, Mapping) and masters, "pillar.example renders no SaltApi:Masters (two masters, hot)")
    # Both are read case-insensitively by the daemon (ParseTopology lowercases; the binder parses enums so).
    if str(settings.get("Topology")).strip().lower() not in daemon_topologies():
        problems.append(f"Topology {settings.get('Topology')!r} not one of {sorted(daemon_topologies())}")
    if str(settings.get("MasterDown")).lower() not in {m.lower() for m in daemon_enum_members("MasterDownPolicy")}:
        problems.append(f"MasterDown {settings.get('MasterDown')!r} not one of {sorted(daemon_enum_members('MasterDownPolicy'))}")
    for key in ("MasterDownTimeout", "MasterRetryInterval"):
        if not timespan_seconds(settings.get(key)):
            problems.append(f"{key} {settings.get(key)!r} is not a positive hh:mm:ss")
    if not re.match(name_rx, str(settings.get("Name"))):
        problems.append(f"Name {settings.get('Name')!r} is not a master name")
    known = class_properties("SaltMasterOptions")
    files = [settings.get("PasswordFile")]
    for name, master in masters.items():
        if not re.match(name_rx, name) or name == settings.get("Name"):
            problems.append(f"Masters:{name}: not a master name, or the same as SaltApi:Name")
        unknown = sorted(set(master) - known)
        if unknown:
            problems.append(f"Masters:{name} keys the daemon ignores: {unknown} (it reads {sorted(known)})")
        url = urlparse(str(master.get("BaseUrl")))
        if url.scheme != "https" and url.hostname not in ("127.0.0.1", "localhost", "::1"):
            problems.append(f"Masters:{name}:BaseUrl {master.get('BaseUrl')!r} is not https (the daemon refuses it)")
        if "Password" in master or not master.get("PasswordFile"):
            problems.append(f"Masters:{name}: Password in the file, or no PasswordFile")
        files.append(master.get("PasswordFile"))
    if len(set(files)) != len(files):
        problems.append(f"password files shared between masters: {files}")
    expect(not problems, "; ".join(problems))


@case
def one_password_file_per_master():
    pillar = multi_master_pillar()
    secrets = {name: s["password"] for name, s in pillar["saltapibridge"]["salt_api"]["masters"].items()}
    expect(secrets, "pillar.example has no saltapibridge:salt_api:masters passwords")
    config_text = render(STATES / "saltapibridge/config/file.sls", **state_context(pillar))
    app_text = render(STATES / "saltapibridge/files/appsettings.json.jinja", **state_context(pillar))
    states = _config_states(pillar)
    masters = json.loads(app_text)["SaltApi"]["Masters"]
    service = load_yaml(render(STATES / "saltapibridge/service/running.sls", **state_context(pillar)))
    watched = service["saltapibridge-service"]["service.running"]
    watched = next(item["watch"] for item in watched if isinstance(item, Mapping) and "watch" in item)
    problems = []
    for name, secret in secrets.items():
        if secret in config_text or secret in app_text:
            problems.append(f"{name}'s password is rendered into config.sls or appsettings.json")
        sid = f"saltapibridge-salt-api-password-{name}"
        fun, args = _state_args(states.get(sid, {"missing": []}))
        want = {"name": masters[name]["PasswordFile"], "mode": "0400", "user": "saltapibridge", "group": "saltapibridge",
                "contents_pillar": f"saltapibridge:salt_api:masters:{name}:password", "show_changes": False,
                "contents_newline": False}
        got = {k: (str(args.get(k)) if k == "mode" else args.get(k)) for k in want}
        if fun != "file.managed" or got != want:
            problems.append(f"{sid}: {fun} {got}, want file.managed {want}")
        if sid not in watched:
            problems.append(f"saltapibridge-service does not watch {sid}")
    # A missing password fails a state for that master; the file is not written.
    missing = copy.deepcopy(pillar)
    missing["saltapibridge"]["salt_api"]["masters"]["salt-b"] = {"password": ""}
    fun, _ = _state_args(_config_states(missing)["saltapibridge-salt-api-password-salt-b"])
    if fun != "test.fail_without_changes":
        problems.append(f"an empty salt-b password gives {fun}, not a failing state")
    # A Password put under settings:SaltApi:Masters:<name> is kept out and reported.
    leaked = copy.deepcopy(pillar)
    leaked["saltapibridge"]["settings"]["SaltApi"]["Masters"]["salt-b"]["Password"] = "leaked-secret"
    if "leaked-secret" in render(STATES / "saltapibridge/files/appsettings.json.jinja", **state_context(leaked)):
        problems.append("settings:SaltApi:Masters:salt-b:Password reaches appsettings.json")
    if "saltapibridge-password-in-settings" not in _config_states(leaked):
        problems.append("no failing state for settings:SaltApi:Masters:salt-b:Password")
    # A CA in pillar becomes a file and CaCertificateFile.
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    with_ca = copy.deepcopy(pillar)
    with_ca["saltapibridge"]["salt_api"]["masters"]["salt-b"]["ca_certificate"] = pem
    ca_file = _appsettings(with_ca)["SaltApi"]["Masters"]["salt-b"].get("CaCertificateFile")
    fun, args = _state_args(_config_states(with_ca).get("saltapibridge-salt-api-ca-salt-b", {"missing": []}))
    if fun != "file.managed" or args.get("name") != ca_file or not ca_file \
            or args.get("contents_pillar") != "saltapibridge:salt_api:masters:salt-b:ca_certificate":
        problems.append(f"the CA of salt-b: {fun} {args} for CaCertificateFile {ca_file!r}")
    expect(not problems, "; ".join(problems))


@case
def master_names_never_reach_a_path():
    pillar = multi_master_pillar()

    def written(states):
        return sorted(str(args.get("name")) for decl in states.values() for fun, args in [_state_args(decl)]
                      if fun == "file.managed")

    baseline = written(_config_states(pillar))
    problems = []
    for hostile in ["../x", "a/b", "-a", ".hidden", "_x", "a b", "x" * 65, "a:b", "*"]:
        bad = copy.deepcopy(pillar)
        bad["saltapibridge"]["settings"]["SaltApi"]["Masters"][hostile] = {"BaseUrl": "https://x.example:8000"}
        bad["saltapibridge"]["salt_api"]["masters"][hostile] = {"password": "p"}
        states = _config_states(bad)
        if written(states) != baseline:
            problems.append(f"{hostile!r} changed the files written: {written(states)}")
        if "saltapibridge-salt-api-master-names" not in states:
            problems.append(f"{hostile!r}: no failing state for the name")
        master = _appsettings(bad)["SaltApi"]["Masters"].get(hostile, {})
        if "PasswordFile" in master:
            problems.append(f"{hostile!r}: PasswordFile {master['PasswordFile']!r} set")
    stray = copy.deepcopy(pillar)
    stray["saltapibridge"]["salt_api"]["masters"]["salt-c"] = {"password": "p"}
    if "saltapibridge-salt-api-master-secrets" not in _config_states(stray):
        problems.append("a password for a master that settings do not name does not fail a state")
    expect(not problems, "; ".join(problems[:6]) + (f" (+{len(problems) - 6} more)" if len(problems) > 6 else ""))


@case
def single_master_pillar_stays_single():
    pillar = single_master_pillar()
    settings = _appsettings(pillar)["SaltApi"]
    expect("Masters" not in settings and "Topology" not in settings,
           f"a one-master pillar renders multi-master keys: {sorted(settings)}")
    extra = sorted(sid for sid in _config_states(pillar) if sid.startswith("saltapibridge-salt-api-")
                   and sid != "saltapibridge-salt-api-password")
    expect(not extra, f"a one-master pillar renders {extra}")



# ---------------------------------------------------------------------------------------------------
# Installing from the release artifacts (install methods, upgrade, clean, the master's side)
# ---------------------------------------------------------------------------------------------------

PACKAGED_UNIT = REPO / "packaging" / "saltapibridge.service"
PACKAGE_SCRIPTS = {"deb postinst": REPO / "packaging/deb/postinst", "rpm spec": REPO / "packaging/rpm/saltapibridge.spec"}
HASH = "sha256=" + "a" * 64


def install_method_pillars():
    """pillar.example with each install method of the formula (and the compat tarball)."""
    def with_install(**install):
        pillar = pillar_example()
        pillar["saltapibridge"]["install"] = install
        return pillar
    return {
        "archive": with_install(method="archive", source="https://x.example/saltapibridge-1.2.3-linux-x64.tar.gz", source_hash=HASH),
        "compat": with_install(method="archive", source="https://x.example/saltapibridge-1.2.3-linux-x64-compat.tar.gz", source_hash=HASH),
        "package": with_install(method="package", source="https://x.example/saltapibridge_1.2.3_amd64.deb", source_hash=HASH),
        "repo": with_install(method="repo", version="1.2.3", repo={
            "name": "deb [signed-by=/etc/apt/keyrings/sab.gpg] https://apt.x.example/ stable main",
            "file": "/etc/apt/sources.list.d/saltapibridge.list"}),
        "repo-unmanaged": with_install(method="repo"),
    }


def _states(sls, pillar):
    return {sid: decl for sid, decl in (load_yaml(render(STATES / sls, **state_context(pillar))) or {}).items()
            if sid not in ("include", "extend")}


@case
def pillar_example_starts_with_one_master():
    single = _appsettings(pillar_example())["SaltApi"]
    expect("Masters" not in single and "masters" not in pillar_example()["saltapibridge"]["salt_api"],
           "pillar.example as shipped names other masters: one master first, the rest commented")
    multi = multi_master_pillar()
    expect(multi["saltapibridge"]["settings"]["SaltApi"].get("Masters") and multi["saltapibridge"]["salt_api"].get("masters"),
           "uncommenting the `# >>> two masters` blocks gives no second master")
    expect(_appsettings(pillar_example())["Pipeline"].get("RecordDirectory") == "/var/lib/saltapibridge/records",
           "pillar.example's appsettings.json has no Pipeline:RecordDirectory")


@case
def install_methods_need_a_checksum_for_every_download():
    problems = []
    for name, pillar in install_method_pillars().items():
        states = _states("saltapibridge/package/install.sls", pillar)
        fun, args = _state_args(states["saltapibridge-install"])
        want = {"archive": "archive.extracted", "compat": "archive.extracted", "package": "pkg.installed"}.get(name, "pkg.installed")
        if fun != want:
            problems.append(f"{name}: saltapibridge-install is {fun}, want {want}")
        if name in ("archive", "compat"):
            if args.get("source_hash") != HASH or args.get("options") != "--strip-components=1" or args.get("clean") is not True:
                problems.append(f"{name}: archive.extracted {args}")
        if name == "package":
            fetch_fun, fetch = _state_args(states["saltapibridge-package-file"])
            if fetch_fun != "file.managed" or fetch.get("source_hash") != HASH:
                problems.append(f"package: the download is {fetch_fun} {fetch}, not file.managed with the source_hash")
            if args.get("sources") != [{"saltapibridge": fetch.get("name")}]:
                problems.append(f"package: pkg.installed sources {args.get('sources')} is not the checked file")
        if name == "repo":
            if args.get("version") != "1.2.3" or "saltapibridge-repo" not in states:
                problems.append(f"repo: {args}, states {sorted(states)}")
        if name == "repo-unmanaged" and "saltapibridge-repo" in states:
            problems.append("repo without install:repo still manages a repository")
    for method in ("archive", "package"):
        for missing in ("source", "source_hash"):
            pillar = copy.deepcopy(install_method_pillars()[method])
            pillar["saltapibridge"]["install"][missing] = ""
            fun, args = _state_args(_states("saltapibridge/package/install.sls", pillar)["saltapibridge-install"])
            if fun != "test.fail_without_changes" or missing not in args.get("name", ""):
                problems.append(f"{method} without {missing}: {fun} {args}")
    bogus = copy.deepcopy(pillar_example())
    bogus["saltapibridge"]["install"]["method"] = "curl"
    fun, _ = _state_args(_states("saltapibridge/package/install.sls", bogus)["saltapibridge-install"])
    if fun != "test.fail_without_changes":
        problems.append(f"install:method curl gives {fun}")
    expect(not problems, "; ".join(problems))


@case
def upgrade_restarts_the_service_once():
    """The formula stops the service before an install changes (prereq), so the package's own try-restart finds it
    stopped, and service.running starts it: one stop, one start. Without an upgrade, a changed file restarts it."""
    problems = []
    for name, pillar in install_method_pillars().items():
        states = _states("saltapibridge/package/install.sls", pillar)
        fun, args = _state_args(states.get("saltapibridge-stop-for-upgrade", {"missing": []}))
        if fun != "service.dead" or args.get("prereq") != ["saltapibridge-install"]:
            problems.append(f"{name}: stop-for-upgrade is {fun} {args}")
        service = _states("saltapibridge/service/running.sls", pillar)["saltapibridge-service"]["service.running"]
        watch = next(item["watch"] for item in service if isinstance(item, Mapping) and "watch" in item)
        if "saltapibridge-install" not in watch or {"file": "saltapibridge-config"} not in watch:
            problems.append(f"{name}: saltapibridge-service watches {watch}")
    postinst = PACKAGE_SCRIPTS["deb postinst"].read_text(encoding="utf-8")
    spec = PACKAGE_SCRIPTS["rpm spec"].read_text(encoding="utf-8")
    if "try-restart" not in postinst or re.search(r"deb-systemd-invoke\s+restart", postinst):
        problems.append("the .deb's postinst restarts on upgrade with restart (not try-restart): a stopped service would start twice")
    if "try-restart saltapibridge.service" not in spec or re.search(r"systemctl\s+restart", spec):
        problems.append("the .rpm's %postun does not try-restart")
    expect(not problems, "; ".join(problems))


@case
def unit_follows_the_install_method():
    problems = []
    for name, pillar in install_method_pillars().items():
        fun, args = _state_args(_states("saltapibridge/service/running.sls", pillar)["saltapibridge-unit"])
        if name in ("archive", "compat"):
            if args.get("name") != "/etc/systemd/system/saltapibridge.service":
                problems.append(f"{name}: the unit goes to {args.get('name')}")
            d = _unit_directives(_unit_text(pillar))
            mdwe = "no" if name == "compat" else "yes"
            if d.get(("Service", "MemoryDenyWriteExecute")) != [mdwe]:
                problems.append(f"{name}: MemoryDenyWriteExecute={d.get(('Service', 'MemoryDenyWriteExecute'))}, want {mdwe}")
        else:
            if args.get("name") != "/etc/systemd/system/saltapibridge.service.d/salt.conf":
                problems.append(f"{name}: the drop-in goes to {args.get('name')}")
            text = render(STATES / "saltapibridge/files/saltapibridge.service.d.conf.jinja", **state_context(pillar))
            d = _unit_directives(text)
            if d.get(("Service", "ExecStart")) != ["", "/usr/bin/saltapibridge run --config /etc/saltapibridge/appsettings.json"]:
                problems.append(f"{name}: drop-in ExecStart {d.get(('Service', 'ExecStart'))}")
            stop = d.get(("Service", "TimeoutStopSec"), ["0"])[0]
            if not stop.isdigit() or int(stop) <= 60:
                problems.append(f"{name}: drop-in TimeoutStopSec={stop} with a 60 s drain")
    expect(not problems, "; ".join(problems))


@case
def packaged_unit_is_the_formula_unit():
    """packaging/saltapibridge.service (in the .deb, .rpm and, with /opt paths, the tarballs) and the formula's unit
    template rendered for /usr/bin with the defaults: the same directives, so the two cannot drift apart."""
    pillar = pillar_example()
    pillar["saltapibridge"]["install"].update(dir="/usr/bin")
    formula = _unit_directives(_unit_text(pillar))
    packaged = _unit_directives(PACKAGED_UNIT.read_text(encoding="utf-8"))
    differ = sorted(f"{s}/{k}: formula {formula.get((s, k))} packaged {packaged.get((s, k))}"
                    for s, k in set(formula) | set(packaged) if formula.get((s, k)) != packaged.get((s, k)))
    expect(not differ, "; ".join(differ))


@case
def clean_removes_what_the_formula_installed():
    problems = []
    for name, pillar in install_method_pillars().items():
        ids = _ids_with_includes(STATES / "saltapibridge/clean.sls", state_context(pillar))
        funs = {sid: next(iter(decl)) for sid, decl in ids.items()}
        want = {"saltapibridge-service-clean": "service.dead", "saltapibridge-unit-clean": "file.absent",
                "saltapibridge-config-clean": "file.absent",
                "saltapibridge-install-clean": "file.absent" if name in ("archive", "compat") else "pkg.removed"}
        wrong = {sid: funs.get(sid) for sid, fun in want.items() if funs.get(sid) != fun}
        if wrong:
            problems.append(f"{name}: {wrong}")
        _, unit = _state_args(ids["saltapibridge-unit-clean"])
        _, installed = _state_args(_states("saltapibridge/service/running.sls", pillar)["saltapibridge-unit"])
        if not str(installed.get("name")).startswith(str(unit.get("name"))):
            problems.append(f"{name}: clean removes {unit.get('name')}, the formula wrote {installed.get('name')}")
        _, config = _state_args(ids["saltapibridge-config-clean"])
        if config.get("name") != "/etc/saltapibridge":
            problems.append(f"{name}: config clean removes {config.get('name')}")
        if any("/var/lib/saltapibridge" in json.dumps(decl) for decl in ids.values()):
            problems.append(f"{name}: clean touches the provisioning records")
        problems += _requisite_problems(STATES / "saltapibridge/clean.sls", state_context(pillar))
    expect(not problems, "; ".join(problems))


@case
def master_state_installs_the_master_side():
    pillar = pillar_example()
    password = pillar["saltapibridge"]["salt_api"]["password"]
    text = render(STATES / "saltapibridge/master/init.sls", **state_context(pillar))
    states = load_yaml(text)
    expect(password not in text, "the eauth password is rendered in clear")
    _, conf = _state_args(states["saltapibridge-master-conf"])
    expect(resolve_salt_url(conf["source"]) == MASTER_D / "saltapibridge.conf",
           f"master.d source {conf['source']} is not salt/master.d/saltapibridge.conf")
    eauth_opts = master_opts()["external_auth"]["file"]
    _, eauth = _state_args(states["saltapibridge-master-eauth"])
    expect(eauth.get("name") == eauth_opts.get("^filename"),
           f"eauth file {eauth.get('name')} is not master.d's ^filename {eauth_opts.get('^filename')}")
    expect(eauth_opts.get("^hashtype") == "sha256" and eauth.get("contents") ==
           f"{EAUTH_USER}:{hashlib.sha256(password.encode()).hexdigest()}", f"eauth line {eauth.get('contents')!r}")
    expect(str(eauth.get("mode")) == "0600" and eauth.get("user") == "salt" and eauth.get("show_changes") is False,
           f"eauth file {eauth}")
    for service in ("salt-master", "salt-api"):
        _, svc = _state_args(states[f"saltapibridge-master-{service}"])
        expect({"file": "saltapibridge-master-conf"} in svc.get("watch", []) and "saltapibridge-master-eauth" in svc.get("watch", []),
               f"{service} does not restart on master.d or eauth changes")
    missing = copy.deepcopy(pillar)
    missing["saltapibridge"]["salt_api"]["password"] = ""
    fun, _ = _state_args(_states("saltapibridge/master/init.sls", missing)["saltapibridge-master-eauth"])
    expect(fun == "test.fail_without_changes", "no password: the eauth file is still written")
    clean = _states("saltapibridge/master/clean.sls", pillar)
    gone = sorted(args.get("name") for decl in clean.values() for fun, args in [_state_args(decl)] if fun == "file.absent")
    expect(gone == sorted([conf["name"], eauth["name"]]), f"master.clean removes {gone}")


@case
def formula_metadata():
    formula = load_yaml((STATES / "FORMULA").read_text(encoding="utf-8"))
    for key in ("name", "os", "os_family", "version", "release", "minimum_version", "summary", "description", "top_level_dir"):
        expect(formula.get(key) not in (None, ""), f"FORMULA has no {key}")
    expect(formula["name"] == "saltapibridge" and (STATES / formula["top_level_dir"] / "init.sls").is_file(),
           f"FORMULA top_level_dir {formula['top_level_dir']} is not the formula")
    # The saltstack-formulas layout: each part an sls directory with init and clean, and a top-level clean.
    for part in ("package", "config", "service", "master"):
        for sls in ("init.sls", "clean.sls"):
            expect((STATES / "saltapibridge" / part / sls).is_file(), f"saltapibridge/{part}/{sls} missing")
    for sls in ("init.sls", "clean.sls", "map.jinja", "defaults.yaml"):
        expect((STATES / "saltapibridge" / sls).is_file(), f"saltapibridge/{sls} missing")


def main():
    passed = failed = 0
    for fn in CASES:
        name = fn.__name__
        try:
            note = fn()
            passed += 1
            print(f"ok  {name}" + (f" ({note})" if note else ""))
        except CheckFailed as exc:
            failed += 1
            print(f"FAIL {name}: {exc}")
        except Exception as exc:  # noqa: BLE001 -- a crash in a case is a failure of that case
            failed += 1
            where = traceback.extract_tb(exc.__traceback__)[-1]
            print(f"FAIL {name}: {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
