// The console's error: a catalogue code (errors:<CODE>) and the hub's own words beside it.

export class HubError extends Error {
  constructor(code, detail, extensions) {
    super(detail || code);
    this.code = code; // an errors: catalogue key (FORBIDDEN, BAD_USER_INPUT, NETWORK, ...)
    this.detail = detail || "";
    this.extensions = extensions || {};
  }
}
