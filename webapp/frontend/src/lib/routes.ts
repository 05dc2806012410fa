import type { ReactNode } from "react";

import { matchPattern, type RouteParams } from "./router";

/** One screen of a Mini App: a hash path pattern (`/minis/types/:id`) and what it renders. */
export interface RouteDef {
  pattern: string;
  render: (params: RouteParams) => ReactNode;
}

export function findRoute(routes: readonly RouteDef[], path: string): { route: RouteDef; params: RouteParams } | null {
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}
