// ESLint for the project's own JavaScript (make lint-js; part of make test). The pages load plain scripts
// (no bundler): each file is one IIFE that reads and writes a few window globals, listed here.
"use strict";
const js = require("@eslint/js");
const globals = require("globals");

const PAGE_GLOBALS = {
  io: "readonly", SB: "readonly", SBKit: "readonly", SBActivity: "writable", SBActivityKinds: "writable",
  SBConsoleScreen: "writable", SBAttention: "writable", Idiomorph: "readonly",
};

module.exports = [
  { ignores: ["static/vendor/**", "node_modules/**", "test-output/**", ".venv*/**"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js", "facilitator/static/**/*.js", "participant/static/**/*.js", "handouts/static/**/*.js"],
    languageOptions: { ecmaVersion: 2020, sourceType: "script", globals: { ...globals.browser, ...PAGE_GLOBALS } },
    rules: { "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }], eqeqeq: ["error", "smart"], "no-var": "off" },
  },
  { files: ["static/js/kit.js"], languageOptions: { globals: { module: "writable" } } },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: globals.node },
  },
];
