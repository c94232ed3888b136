#!/usr/bin/env python3
"""Extracts every keyword keepalived's parser installs, with its block, from keepalived's sources.

Usage: extract-keywords.py KEEPALIVED_GIT_DIR TAG > keywords.txt

Simulates lib/parser.c's install_keyword_root / install_keyword / install_sublevel / install_sublevel_end over the
entry point global_init_keywords (keepalived/core/main.c: global, vrrp, check, bfd keywords), inlining the helper
functions that install keywords (install_checkers_keyword, install_checker_common_keywords...). Preprocessor
conditions are kept as written and evaluated against the Debian 2.2.7 build's options (keepalived -v)."""
import re, subprocess, sys

git_dir, tag = sys.argv[1], sys.argv[2]
FILES = """keepalived/core/main.c keepalived/core/global_parser.c keepalived/vrrp/vrrp_parser.c
keepalived/check/check_parser.c keepalived/check/check_api.c keepalived/check/check_bfd.c keepalived/check/check_dns.c
keepalived/check/check_file.c keepalived/check/check_http.c keepalived/check/check_misc.c keepalived/check/check_ping.c
keepalived/check/check_smtp.c keepalived/check/check_tcp.c keepalived/check/check_udp.c keepalived/trackers/track_file.c
keepalived/bfd/bfd_parser.c""".split()
# Debian bookworm's keepalived 2.2.7: configure options and "Config options" of keepalived -v
DEFINED = set("""_WITH_VRRP_ _WITH_LVS_ _WITH_BFD_ _WITH_SNMP_ _WITH_SNMP_VRRP_ _WITH_SNMP_CHECKER_ _WITH_SNMP_RFC_
_WITH_SNMP_RFCV2_ _WITH_SNMP_RFCV3_ _WITH_DBUS_ _WITH_JSON_ _WITH_NFTABLES_ _WITH_REGEX_CHECK_ _WITH_VRRP_AUTH_
_HAVE_VRRP_VMAC_ _HAVE_VRRP_IPVLAN_ _HAVE_VRF_ _HAVE_FIB_ROUTING_ _WITH_SHA1_ _HAVE_LIBNL3_ _HAVE_IPV4_DEVCONF_
IP_VS_SVC_F_SCHED1 _HAVE_PE_NAME_ _WITH_LVS_64BIT_STATS_ _HAVE_IPVS_SYNCD_ATTRIBUTES_ _HAVE_IPVS_TUN_TYPE_
_HAVE_IPVS_TUN_CSUM_ _HAVE_IPVS_TUN_GRE_ _HAVE_SCHED_RESET_ON_FORK_ _WITH_CN_PROC_ _WITH_TRACK_PROCESS_
_HAVE_SCHED_RT_ _HAVE_NET_LINUX_IF_H_COLLISION_ LIBIPVS_USE_NL _WITH_SYSTEMD_NOTIFY_ _HAVE_INET6_ADDR_GEN_MODE_
_MEM_CHECK_LOG_ _HAVE_IPV6_MULTICAST_ALL_ _HAVE_MEMFD_CREATE_ _WITH_LINKBEAT_ _HAVE_IFLA_LINK_NETNSID_ _HAVE_SSL_SET_TLSEXT_HOST_NAME_ WITH_HOST_ENTRIES _WITH_FIREWALL_
_WITH_SO_MARK_ _WITH_UNICAST_CHKSUM_COMPAT_
_INCLUDE_UNSUPPORTED_KEYWORDS_X""".split())
UNDEFINED_KNOWN = set("""_WITH_IPTABLES_ _WITH_SNMP_V3_FOR_V2_X _ONE_PROCESS_DEBUG_ _DEBUG_ _STRICT_CONFIG_
_TIMER_CHECK_ _SMTP_ALERT_DEBUG_ _EPOLL_DEBUG_ _EPOLL_THREAD_DUMP_ _REGEX_DEBUG_ _WITH_PERF_ _RECVMSG_DEBUG_
_TSM_DEBUG_ _PARSER_DEBUG_ _DUMP_KEYWORDS_ _CHECKSUM_DEBUG_ _NETWORK_TIMESTAMP_ _WITH_LVS_DEBUG_
_INCLUDE_UNSUPPORTED_KEYWORDS_ _HAVE_LIBIPSET_ _LIBIPSET_DYNAMIC_ _WITH_SANITIZE_ADDRESS_ _EINTR_DEBUG_
PCRE2_DONT_USE_JIT _MEM_CHECK_ _SCRIPT_DEBUG_ _ASSERT_DEBUG_ _RECVMSG_DEBUG_ _WITH_PROFILING_ _VRRP_FD_DEBUG_""".split())

def source(path):
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{tag}:{path}"], capture_output=True, text=True,
                          check=True).stdout

def evaluate(cond):
    # conditions as written: defined(X), !defined(X), &&, ||, X
    expr = re.sub(r"defined\s*\(?\s*(\w+)\s*\)?", lambda m: " D_" + m.group(1) + " ", cond)
    expr = expr.replace("&&", " and ").replace("||", " or ").replace("!", " not ")
    names = {}
    for w in set(re.findall(r"\bD_(\w+)", expr)):
        names["D_" + w] = w in DEFINED
        if w not in DEFINED and w not in UNDEFINED_KNOWN:
            undecided.add(w)
    expr = re.sub(r"\b(?<!D_)([A-Z_][A-Z0-9_]*)\b", lambda m: m.group(1) if m.group(1).startswith("D_") else
                  ("True" if m.group(1) in DEFINED else "False"), expr)
    return eval(expr, {}, names)

undecided = set()
functions = {}   # name -> [(file, line, text, [conditions])]
for path in FILES:
    lines = source(path).split("\n")
    conds, name, body, pending = [], None, None, None
    for i, line in enumerate(lines, 1):
        s = line.strip()
        if s.startswith("#if"):
            if s.startswith("#ifdef"):
                conds.append("defined(" + s.split()[1] + ")")
            elif s.startswith("#ifndef"):
                conds.append("!defined(" + s.split()[1] + ")")
            else:
                conds.append(s[3:].strip())
            continue
        if s.startswith("#else"):
            conds[-1] = "!(" + conds[-1] + ")"
            continue
        if s.startswith("#elif"):
            conds[-1] = "!(" + conds[-1] + ") && (" + s[5:].strip() + ")"
            continue
        if s.startswith("#endif"):
            conds.pop()
            continue
        m = re.match(r"^([a-z_0-9]+)\((.*)\)", line)
        if m and not line.rstrip().endswith(";"):
            name, body = m.group(1), []
            params = [re.findall(r"\w+", p)[-1] for p in m.group(2).split(",") if re.findall(r"\w+", p)]
            functions.setdefault(name, (params, body))
            continue
        if line.startswith("}"):
            name, body = None, None
            continue
        # if (a_bool_parameter) { ... } in an install function (install_checker_common_keywords)
        m = re.fullmatch(r"if \((\w+)\) \{", s)
        if m and body is not None:
            conds.append("PARAMETER " + m.group(1))
            continue
        if s == "}" and conds and conds[-1].startswith("PARAMETER "):
            conds.pop()
            continue
        if body is not None:
            # a call written over several lines (install_keyword_conditional("weight", ...,\n#ifdef ...)
            if pending is not None:
                pending = (pending[0], pending[1] + " " + s, pending[2])
                if s.endswith(";"):
                    body.append((path, pending[0], pending[1], pending[2]))
                    pending = None
                continue
            if re.match(r"install_\w+\s*\(", s) and not s.endswith(";"):
                pending = (i, s, list(conds))
                continue
            body.append((path, i, s, list(conds)))

roots = []        # [name, file:line, cond, children]
sublevel = 0
out = []

def active(conds):
    return all(evaluate(c) for c in conds)

def add(node_list, kw, where, cond):
    node = [kw, where, cond, []]
    node_list.append(node)

def installs(f):
    return f in functions and any(re.search(r"\binstall_", t) or re.search(r"\b" + g + r"\s*\(", t)
                                  for _, _, t, _ in functions[f][1] for g in ["add_track_file_keywords", "init_"])

def run(fn, outer_conds, bound):
    global sublevel
    for path, line, text, conds in functions[fn][1]:
        if any(c.startswith("PARAMETER ") and bound.get(c.split()[1]) != "true" for c in conds):
            continue
        conds = [c for c in conds if not c.startswith("PARAMETER ")]
        all_conds = outer_conds + conds
        if not active(all_conds):
            continue
        for call in re.finditer(r"\b([a-z_0-9]+)\s*\(([^;]*)\)\s*;", text):
            f, args = call.group(1), call.group(2)
            if not f.startswith("install_") and not installs(f):
                continue
            first = args.split(",")[0].strip()
            lit = re.fullmatch(r'"([^"]+)"', first)
            kw = lit.group(1) if lit else bound.get(first)
            where = f"{path}:{line}"
            if f == "install_keyword_root":
                sublevel = 0
                add(roots, kw, where, " && ".join(all_conds))
            elif f in ("install_keyword", "install_keyword_quoted") or (f == "install_keyword_conditional"):
                target = roots[-1][3]
                for _ in range(sublevel):
                    target = target[-1][3]
                add(target, kw, where, " && ".join(all_conds))
            elif f == "install_sublevel":
                sublevel += 1
            elif f == "install_sublevel_end":
                sublevel -= 1
            elif f in ("install_root_end_handler", "install_sublevel_end_handler"):
                pass
            elif f in functions:
                literals = [re.fullmatch(r'\s*"?([^"]+?)"?\s*', a) for a in args.split(",")]
                run(f, all_conds, {p: m.group(1) for p, m in zip(functions[f][0], literals) if m})
            else:
                raise SystemExit(f"unknown install function {f} at {where}")

run("global_init_keywords", [], {})

print(f"# Every keyword keepalived {tag} installs, by block (a/b/c: keyword c in block b in block a).")
print(f"# Source: https://github.com/acassen/keepalived tag {tag} commit "
      + subprocess.run(["git", "--git-dir", git_dir, "rev-parse", tag + "^{commit}"], capture_output=True, text=True,
                       check=True).stdout.strip())
print("# Made by extract-keywords.py (next to this file) from the install_keyword* calls reached from")
print("# global_init_keywords (keepalived/core/main.c), with the preprocessor conditions of Debian's 2.2.7 build.")
print("# Checked once against Debian's keepalived 2.2.7 binary: keepalived -t on each keyword alone in its block")
print("# reports none of them unknown (and vrrp_ipsets, left out by the build's options, unknown).")
print("# Columns: block path <TAB> where it is installed <TAB> preprocessor condition (empty: none)")
seen = set()
def dump(nodes, prefix):
    for kw, where, cond, children in nodes:
        path = prefix + kw
        if path not in seen:
            seen.add(path)
            print(f"{path}\t{where}\t{cond}")
        dump(children, path + "/")
dump(roots, "")
if undecided:
    print("taken as undefined: " + " ".join(sorted(undecided)), file=sys.stderr)
