import type { RouteDef } from "../../lib/routes";
import { MinisList } from "./MinisList";
import { TypeDetails } from "./TypeDetails";

export const minisRoutes: RouteDef[] = [
  { pattern: "/minis", render: () => <MinisList /> },
  { pattern: "/minis/types/:id", render: ({ id }) => <TypeDetails id={id ?? ""} /> },
];
