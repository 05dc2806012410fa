import { Fragment, useEffect, useState } from "react";
import { AppRoot, Button, Placeholder } from "@telegram-apps/telegram-ui";

import { agendaRoutes } from "./apps/agenda/routes";
import { journalRoutes } from "./apps/journal/routes";
import { minisRoutes } from "./apps/minis/routes";
import { Screen } from "./components/Screen";
import { detectLanguage, I18nProvider, useI18n, type Lang } from "./i18n";
import { findRoute, type RouteDef } from "./lib/routes";
import { navigate, usePath } from "./lib/router";
import { getTelegramLanguage, initTelegram } from "./lib/telegram";
import { useTelegramTheme } from "./lib/useTelegram";

/** Every Mini App registers its screens here. */
export const ROUTES: readonly RouteDef[] = [...minisRoutes, ...agendaRoutes, ...journalRoutes];
export const DEFAULT_PATH = "/minis";

function NotFound(): JSX.Element {
  const { t } = useI18n();
  return (
    <Screen backTo={DEFAULT_PATH}>
      <Placeholder
        header={t("nav.notFound")}
        data-testid="not-found"
        action={
          <Button size="m" onClick={() => navigate(DEFAULT_PATH)}>
            {t("nav.home")}
          </Button>
        }
      />
    </Screen>
  );
}

function Router(): JSX.Element | null {
  const path = usePath();
  useEffect(() => {
    if (path === "/") navigate(DEFAULT_PATH, { replace: true });
  }, [path]);
  if (path === "/") return null;
  const match = findRoute(ROUTES, path);
  // Keyed by path: another type id is a fresh screen; a language switch is not.
  return match ? <Fragment key={path}>{match.route.render(match.params)}</Fragment> : <NotFound />;
}

function uiPlatform(): "ios" | "base" {
  const platform = initTelegram().platform;
  return platform === "ios" || platform === "macos" ? "ios" : "base";
}

export function App({ initialLang }: { initialLang?: Lang }): JSX.Element {
  const [lang] = useState<Lang>(() => initialLang ?? detectLanguage(getTelegramLanguage()));
  const theme = useTelegramTheme();
  return (
    <I18nProvider initialLang={lang}>
      <AppRoot appearance={theme.colorScheme} platform={uiPlatform()} className="app-root" data-testid="app-root">
        <Router />
      </AppRoot>
    </I18nProvider>
  );
}
