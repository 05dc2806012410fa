import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { AppRoot } from "@telegram-apps/telegram-ui";

import { I18nProvider, type Lang } from "../i18n";

/** Renders a component inside the providers every screen expects. */
export function withProviders(ui: ReactElement, lang: Lang = "en"): ReactElement {
  return (
    <I18nProvider initialLang={lang}>
      <AppRoot appearance="light" platform="base">
        {ui}
      </AppRoot>
    </I18nProvider>
  );
}

export function renderWithI18n(ui: ReactElement, lang: Lang = "en"): RenderResult {
  return render(withProviders(ui, lang));
}
