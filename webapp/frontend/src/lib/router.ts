/**
 * A minimal hash router: `/app/#/minis/types/12` → path `/minis/types/12`.
 * Telegram may append launch parameters to the fragment (`#/minis?tgWebAppData=...` or
 * `#tgWebAppData=...`); they are not part of the path.
 */
import { useEffect, useState } from "react";

export function pathFromHash(hash: string): string {
  const raw = hash.replace(/^#/, "");
  if (!raw.startsWith("/")) return "/";
  const path = raw.split("?")[0] ?? "/";
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

export function currentPath(): string {
  return pathFromHash(window.location.hash);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = `#${path}`;
  if (options.replace) {
    const url = `${window.location.pathname}${window.location.search}${target}`;
    window.history.replaceState(window.history.state, "", url);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = target;
  }
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = (): void => setPath(currentPath());
    window.addEventListener("hashchange", update);
    window.addEventListener("popstate", update);
    update();
    return () => {
      window.removeEventListener("hashchange", update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return path;
}

export type RouteParams = Record<string, string>;

/** Matches `/minis/types/:id` against a path; returns the decoded params or null. */
export function matchPattern(pattern: string, path: string): RouteParams | null {
  const want = pattern.split("/").filter(Boolean);
  const got = path.split("/").filter(Boolean);
  if (want.length !== got.length) return null;
  const params: RouteParams = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(":")) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}
