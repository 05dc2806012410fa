import type { RouteDef } from "../../lib/routes";
import { AgendaScreen } from "./AgendaScreen";
import { ItemCard } from "./ItemCard";

export const agendaRoutes: RouteDef[] = [
  { pattern: "/agenda", render: () => <AgendaScreen view="today" /> },
  { pattern: "/agenda/week", render: () => <AgendaScreen view="week" /> },
  { pattern: "/agenda/list", render: () => <AgendaScreen view="list" /> },
  { pattern: "/agenda/items/:id", render: ({ id }) => <ItemCard id={id ?? ""} /> },
];
