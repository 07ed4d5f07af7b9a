#!/usr/bin/env python3
"""Fails when the top-level modules of a crate import each other in a loop.

Usage: python3 scripts/module_cycles.py core/src

Every `crate::` path in a module's files (in `use` items, braces included, and inline) is
read as a dependency on the top-level module it names. A name the crate root re-exports
(`pub use module::{Name, ...}` in lib.rs) counts as a dependency on the module it comes from.
Test modules (`#[cfg(test)] mod tests`) count too: a test must not need a cycle either.
"""

import re
import sys
from pathlib import Path

USE_ITEM = re.compile(r"\b(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", re.S)
INLINE = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def expand(tree: str, prefix: list[str]) -> list[list[str]]:
    """All paths of a use tree such as `crate::{a::{B, C}, D}`."""
    tree = tree.strip()
    depth, start, parts = 0, 0, []
    brace = None
    for i, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                brace = i
            depth += 1
        elif ch == "}":
            depth -= 1
    if brace is None:
        path = [p.strip() for p in tree.split("::") if p.strip()]
        path = [re.split(r"\s+as\s+", p)[0] for p in path]
        return [prefix + path]
    head = [p.strip() for p in tree[:brace].split("::") if p.strip()]
    inner = tree[brace + 1 : tree.rindex("}")]
    depth = 0
    for i, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    out = []
    for part in parts:
        if part.strip():
            out.extend(expand(part, prefix + head))
    return out


def main(src: Path) -> int:
    modules = {
        p.stem if p.is_file() else p.name
        for p in src.iterdir()
        if (p.suffix == ".rs" and p.stem not in ("lib", "main")) or p.is_dir()
    }
    root = strip_comments((src / "lib.rs").read_text())
    reexport: dict[str, str] = {}
    for m in USE_ITEM.finditer(root):
        for path in expand(m.group(1), []):
            if len(path) >= 2 and path[0] in modules:
                reexport[path[-1]] = path[0]
    deps: dict[str, set[str]] = {m: set() for m in modules}
    for module in modules:
        files = [src / f"{module}.rs"] if (src / f"{module}.rs").exists() else []
        if (src / module).is_dir():
            files += sorted((src / module).rglob("*.rs"))
        for file in files:
            text = strip_comments(file.read_text())
            for m in USE_ITEM.finditer(text):
                for path in expand(m.group(1), []):
                    if len(path) < 2 or path[0] != "crate":
                        continue
                    target = path[1] if path[1] in modules else reexport.get(path[1])
                    if target and target != module:
                        deps[module].add(target)
            for m in INLINE.finditer(text):
                name = m.group(1)
                target = name if name in modules else reexport.get(name)
                if target and target != module:
                    deps[module].add(target)
    cycles = find_cycles(deps)
    for module in sorted(deps):
        print(f"{module} -> {', '.join(sorted(deps[module])) or '(nothing)'}")
    if cycles:
        for cycle in cycles:
            print("cycle: " + " -> ".join(cycle + [cycle[0]]), file=sys.stderr)
        return 1
    print(f"no module cycles among {len(modules)} modules of {src}")
    return 0


def find_cycles(deps: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(deps[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(deps):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "core/src")))
