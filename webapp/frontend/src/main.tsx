import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import "@telegram-apps/telegram-ui/dist/styles.css";
import "./styles.css";

import { App } from "./App";
import { initTelegram } from "./lib/telegram";

// Read the launch parameters before the hash router rewrites the URL fragment.
initTelegram();

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
