import { lazy, Suspense } from "react";
import { Spinner } from "@telegram-apps/telegram-ui";

import type { RouteDef } from "../../lib/routes";
import { Catalog } from "./Catalog";
import { EntriesList } from "./EntriesList";
import { EntryScreen } from "./EntryScreen";
import { NewEntry } from "./NewEntry";
import { ProposalScreen } from "./ProposalScreen";

// The charts library is most of the journal's weight: loaded when the dashboard is opened.
const Dashboard = lazy(() => import("./Dashboard").then((m) => ({ default: m.Dashboard })));

export const journalRoutes: RouteDef[] = [
  { pattern: "/journal", render: () => <Catalog /> },
  { pattern: "/journal/new/:recipeId", render: ({ recipeId }) => <NewEntry recipeId={recipeId ?? ""} /> },
  { pattern: "/journal/entries", render: () => <EntriesList /> },
  { pattern: "/journal/entries/:id", render: ({ id }) => <EntryScreen id={id ?? ""} /> },
  {
    pattern: "/journal/dashboard",
    render: () => <Suspense fallback={<div className="center"><Spinner size="m" /></div>}><Dashboard /></Suspense>,
  },
  { pattern: "/journal/proposals/:id", render: ({ id }) => <ProposalScreen id={id ?? ""} /> },
];
