// Runtime configuration for the storefront and back office.
// This file is the default for plain static serving of ui/. `stackgen dev` serves its own
// /config.js and `stackgen deploy` uploads one generated from the environment, so the API base,
// environment name and store list there win over the values below.
window.STACKGEN_CONFIG = {
  apiBase: "/api",
  env: "local",
  stores: [{ id: "store-01", name: "Downtown" }],
};
