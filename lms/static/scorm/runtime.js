/*
 * The SCORM run-time API in the page: window.API (SCORM 1.2) and window.API_1484_11 (SCORM 2004).
 *
 * It interprets the data-model tables the server sends (lms/scorm/datamodel.py), with the same checks
 * and error codes as the server's runtime (lms/scorm/runtime.py); tests/scorm/vectors/*.json run
 * against both. This file knows nothing of the page: player.js creates the API, gives it a Runtime per
 * SCO session and sends the commits.
 */
(function (global) {
  "use strict";

  var NEW = "new", RUNNING = "running", TERMINATED = "terminated";
  var KEYWORDS = ["_children", "_count", "_version"];
  var INDEX = /^(0|[1-9][0-9]*)$/;
  var NAMES = {
    "1.2": {LMSInitialize: "initialize", LMSFinish: "terminate", LMSGetValue: "getValue", LMSSetValue: "setValue",
            LMSCommit: "commit", LMSGetLastError: "getLastError", LMSGetErrorString: "getErrorString",
            LMSGetDiagnostic: "getDiagnostic"},
    "2004": {Initialize: "initialize", Terminate: "terminate", GetValue: "getValue", SetValue: "setValue",
             Commit: "commit", GetLastError: "getLastError", GetErrorString: "getErrorString",
             GetDiagnostic: "getDiagnostic"}
  };

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  // What JavaScript's String() gives: the values SCOs pass (numbers, booleans) become text.
  function text(value) { return value === undefined ? "" : String(value); }

  function Tables(data) {
    this.model = data.model;
    this.errors = data.errors;
    this.errorStrings = data.errorStrings;
    this.navRequests = data.navRequests;
    this.shortIdMax = data.shortIdMax;
    this.patterns = {};
    for (var name in data.patterns) {
      if (has(data.patterns, name)) { this.patterns[name] = new RegExp("^(?:" + data.patterns[name] + ")$"); }
    }
  }
  Tables.prototype.matches = function (name, value) { return this.patterns[name].test(value); };

  // --- values -------------------------------------------------------------------------------------
  var OK = "ok", TYPE = "type", RANGE = "range";

  function number(tables, value) {
    if (!tables.matches("decimal", value)) { return null; }
    var result = parseFloat(value);
    return isFinite(result) ? result : null;
  }

  function ranged(value, spec) {
    if ((has(spec, "min") && value < spec.min) || (has(spec, "max") && value > spec.max)) { return RANGE; }
    return OK;
  }

  function hasSpace(value) { return /\s/.test(value); }

  function localized(tables, value, maximum) {
    if (value.indexOf("{lang=") === 0) {
      var end = value.indexOf("}");
      if (end === -1) { return false; }
      var language = value.slice(6, end);
      if (!language || !tables.matches("language", language)) { return false; }
      value = value.slice(end + 1);
    }
    return value.length <= maximum;
  }

  function shortId(tables, value) {
    return value.length > 0 && value.length <= tables.shortIdMax && !hasSpace(value) && !/[\[\]]/.test(value);
  }

  function flags(value, allowed) {
    var seen = {};
    for (;;) {
      var starts = false;
      for (var i = 0; i < allowed.length; i++) {
        if (value.indexOf("{" + allowed[i] + "=") === 0) { starts = true; }
      }
      if (!starts) { return value; }
      var end = value.indexOf("}");
      if (end === -1) { return null; }
      var inner = value.slice(1, end), at = inner.indexOf("=");
      var name = inner.slice(0, at), flag = inner.slice(at + 1);
      if (seen[name] || (flag !== "true" && flag !== "false")) { return null; }
      seen[name] = true;
      value = value.slice(end + 1);
    }
  }

  function numericRange(tables, value) {
    var at = value.indexOf("[:]");
    if (at === -1) { return false; }
    var parts = [value.slice(0, at), value.slice(at + 3)], numbers = [];
    for (var i = 0; i < 2; i++) {
      if (parts[i]) {
        var n = number(tables, parts[i]);
        if (n === null) { return false; }
        numbers.push(n);
      }
    }
    return numbers.length < 2 || numbers[0] <= numbers[1];
  }

  function step(tables, value, pattern) {
    var at = value.indexOf("[.]");
    if (at === -1) { return false; }
    var name = value.slice(0, at), answer = value.slice(at + 3);
    if (name && !shortId(tables, name)) { return false; }
    if (!name && !answer) { return false; }
    if (pattern && answer.indexOf("[:]") !== -1) { return numericRange(tables, answer); }
    return answer.length <= tables.shortIdMax;
  }

  function all(list, test) {
    for (var i = 0; i < list.length; i++) { if (!test(list[i])) { return false; } }
    return true;
  }

  function interactionValue(tables, kind, value, pattern) {
    var ids;
    switch (kind) {
      case "true-false": return value === "true" || value === "false";
      case "choice":
        if (value === "") { return true; }
        ids = value.split("[,]");
        var seen = {};
        for (var i = 0; i < ids.length; i++) {
          if (!shortId(tables, ids[i]) || has(seen, ids[i])) { return false; }
          seen[ids[i]] = true;
        }
        return true;
      case "fill-in":
        if (pattern) { value = flags(value, ["case_matters", "order_matters"]); if (value === null) { return false; } }
        return all(value.split("[,]"), function (part) { return localized(tables, part, tables.shortIdMax); });
      case "long-fill-in":
        if (pattern) { value = flags(value, ["case_matters"]); if (value === null) { return false; } }
        return localized(tables, value, 4000);
      case "likert": return shortId(tables, value);
      case "matching":
        return all(value.split("[,]"), function (pair) {
          var sides = pair.split("[.]");
          return sides.length === 2 && shortId(tables, sides[0]) && shortId(tables, sides[1]);
        });
      case "performance":
        if (pattern) { value = flags(value, ["order_matters"]); if (value === null) { return false; } }
        return all(value.split("[,]"), function (s) { return step(tables, s, pattern); });
      case "sequencing": return all(value.split("[,]"), function (id) { return shortId(tables, id); });
      case "numeric": return pattern ? numericRange(tables, value) : number(tables, value) !== null;
      default: return value.length <= 4000;
    }
  }

  function check(tables, spec, value, interactionType) {
    var kind = spec.type, n;
    switch (kind) {
      case "string": return value.length <= spec.max ? OK : TYPE;
      case "vocab": return (spec.set || spec.values).indexOf(value) !== -1 ? OK : TYPE;
      case "decimal":
      case "real":
        if (value === "" && spec.blank) { return OK; }
        n = number(tables, value);
        return n === null ? TYPE : ranged(n, spec);
      case "integer": return tables.matches("integer", value) ? ranged(parseInt(value, 10), spec) : TYPE;
      case "timespan12": case "time12": case "duration": case "time": case "language":
        if (kind === "language" && value === "") { return OK; }
        return tables.matches(kind, value) && value.length <= 250 ? OK : TYPE;
      case "identifier12": return value.length <= 255 && !/[\u0000-\u001f]/.test(value) ? OK : TYPE;
      case "long_id":
        if (!value || value.length > 4000) { return TYPE; }
        return value.indexOf("urn:") !== 0 || tables.matches("urn", value) ? OK : TYPE;
      case "localized": return localized(tables, value, spec.max) ? OK : TYPE;
      case "result12":
        if (["correct", "wrong", "unanticipated", "neutral"].indexOf(value) !== -1) { return OK; }
        return number(tables, value) !== null ? OK : TYPE;
      case "result":
        if (["correct", "incorrect", "unanticipated", "neutral"].indexOf(value) !== -1) { return OK; }
        return number(tables, value) !== null ? OK : TYPE;
      case "pattern": case "response":
        return interactionValue(tables, interactionType || "", value, kind === "pattern") ? OK : TYPE;
      case "nav_request":
        return tables.navRequests.indexOf(value) !== -1 || tables.matches("nav_target", value) ? OK : TYPE;
      default: throw new Error("unknown data model type " + kind);
    }
  }

  // --- elements -----------------------------------------------------------------------------------
  function resolve(model, element) {
    var parts = element.split("."), pattern = [], arrays = [], i = 0;
    while (i < parts.length) {
      pattern.push(parts[i]);
      var prefix = pattern.join(".");
      if (has(model.arrays, prefix) && i + 1 < parts.length) {
        if (!INDEX.test(parts[i + 1])) { return null; }
        arrays.push({pattern: prefix, path: parts.slice(0, i + 1).join("."), index: parseInt(parts[i + 1], 10)});
        pattern.push("n");
        i += 2;
        continue;
      }
      i += 1;
    }
    return {pattern: pattern.join("."), arrays: arrays};
  }

  function countsOf(model, values) {
    var counts = {};
    for (var element in values) {
      if (!has(values, element)) { continue; }
      var resolved = resolve(model, element);
      if (!resolved) { continue; }
      resolved.arrays.forEach(function (a) { counts[a.path] = Math.max(counts[a.path] || 0, a.index + 1); });
    }
    return counts;
  }

  function concrete(pattern, indices) {
    var remaining = indices.slice();
    return pattern.split(".").map(function (part) {
      return part === "n" && remaining.length ? String(remaining.shift()) : part;
    }).join(".");
  }

  function toNumber(value) {
    if (value === undefined || value === null || value === "") { return null; }
    var n = parseFloat(value);
    return isFinite(n) ? n : null;
  }

  function completionStatus(values, threshold) {
    if (threshold !== undefined && threshold !== null && threshold !== "") {
      var measure = toNumber(values["cmi.progress_measure"]);
      if (measure === null) { return "unknown"; }
      return measure >= parseFloat(threshold) ? "completed" : "incomplete";
    }
    return has(values, "cmi.completion_status") ? values["cmi.completion_status"] : "unknown";
  }

  function successStatus(values, passing) {
    if (passing !== undefined && passing !== null && passing !== "") {
      var scaled = toNumber(values["cmi.score.scaled"]);
      if (scaled === null) { return "unknown"; }
      return scaled >= parseFloat(passing) ? "passed" : "failed";
    }
    return has(values, "cmi.success_status") ? values["cmi.success_status"] : "unknown";
  }

  // --- one SCO session ----------------------------------------------------------------------------
  /*
   * options: {version, tables (Tables or the raw JSON), cmi, context, nav, hooks: {commit(runtime), terminate(runtime)}}
   */
  function Runtime(options) {
    this.version = options.version;
    this.tables = options.tables instanceof Tables ? options.tables : new Tables(options.tables);
    this.model = this.tables.model;
    this.errors = this.tables.errors;
    this.values = {};
    for (var key in (options.cmi || {})) { if (has(options.cmi, key)) { this.values[key] = options.cmi[key]; } }
    this.counts = countsOf(this.model, this.values);
    this.context = options.context || {};
    this.nav = options.nav || {};
    this.hooks = options.hooks || {};
    this.state = NEW;
    this.initialized = false;
    this.lastError = 0;
    this.diagnostic = "";
    this.dirty = new Map();  // element -> value, set since the last acknowledged commit, in first-set order
  }

  Runtime.prototype.fail = function (kind, result, diagnostic) {
    this.lastError = this.errors[kind];
    this.diagnostic = diagnostic || "";
    return result;
  };
  Runtime.prototype.ok = function (result) { this.lastError = 0; this.diagnostic = ""; return result; };

  Runtime.prototype.call = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    return this[NAMES[this.version][name]].apply(this, args);
  };

  Runtime.prototype.initialize = function (argument) {
    if (this.state === RUNNING) { return this.fail("init_twice", "false", "Initialize was already called."); }
    if (this.state === TERMINATED) { return this.fail("init_after", "false", "The session has ended."); }
    if (text(argument) !== "") { return this.fail("argument", "false", "The argument must be an empty string."); }
    this.state = RUNNING;
    this.initialized = true;
    return this.ok("true");
  };

  Runtime.prototype.terminate = function (argument) {
    if (this.state === NEW) { return this.fail("terminate_before", "false", "The session was not initialized."); }
    if (this.state === TERMINATED) { return this.fail("terminate_after", "false", "The session has already ended."); }
    if (text(argument) !== "") { return this.fail("argument", "false", "The argument must be an empty string."); }
    this.state = TERMINATED;
    if (this.hooks.terminate) { this.hooks.terminate(this); }
    return this.ok("true");
  };

  Runtime.prototype.commit = function (argument) {
    if (this.state === NEW) { return this.fail("commit_before", "false", "The session was not initialized."); }
    if (this.state === TERMINATED) { return this.fail("commit_after", "false", "The session has ended."); }
    if (text(argument) !== "") { return this.fail("argument", "false", "The argument must be an empty string."); }
    if (this.hooks.commit) { this.hooks.commit(this); }
    return this.ok("true");
  };

  Runtime.prototype.getLastError = function () { return String(this.lastError); };

  Runtime.prototype.getErrorString = function (code) {
    code = text(code);
    return has(this.tables.errorStrings, code) ? this.tables.errorStrings[code] : "";
  };

  Runtime.prototype.getDiagnostic = function (code) {
    code = text(code);
    if ((code === "" || code === String(this.lastError)) && this.diagnostic) { return this.diagnostic; }
    return this.getErrorString(code || String(this.lastError));
  };

  Runtime.prototype.provided = function (spec) {
    if (has(spec, "lms") && this.context[spec.lms] !== undefined && this.context[spec.lms] !== null) {
      return text(this.context[spec.lms]);
    }
    return has(spec, "default") ? spec["default"] : null;
  };

  Runtime.prototype.getValue = function (element) {
    if (this.state !== RUNNING) {
      return this.fail(this.state === NEW ? "get_before" : "get_after", "", "GetValue outside a running session.");
    }
    element = text(element);
    if (element === "") { return this.fail("get_failure", "", "The element name is empty."); }
    if (this.version === "2004" && element.indexOf("adl.nav.request_valid.") === 0) { return this.navValid(element); }
    var keyword = element.split(".").pop();
    if (KEYWORDS.indexOf(keyword) !== -1) { return this.keyword(element, keyword); }
    var resolved = resolve(this.model, element);
    var spec = resolved && has(this.model.elements, resolved.pattern) ? this.model.elements[resolved.pattern] : null;
    if (!spec) { return this.fail("undefined", "", element + " is not an element of the data model."); }
    if (spec.access === "wo") { return this.fail("write_only", "", element + " is write-only."); }
    for (var i = 0; i < resolved.arrays.length; i++) {
      var a = resolved.arrays[i];
      if (a.index >= (this.counts[a.path] || 0)) { return this.fail("index", "", a.path + " has no entry " + a.index + "."); }
    }
    var value = has(this.values, element) ? this.values[element] : this.provided(spec);
    if (value === null) {
      if (this.errors.not_initialized_value) { return this.fail("not_initialized_value", "", element + " has no value yet."); }
      return this.ok("");
    }
    if (element === "cmi.completion_status") { value = completionStatus(this.values, this.context.completion_threshold); }
    if (element === "cmi.success_status") { value = successStatus(this.values, this.context.scaled_passing_score); }
    return this.ok(value);
  };

  Runtime.prototype.keyword = function (element, keyword) {
    var base = element.slice(0, element.length - keyword.length - 1);
    if (keyword === "_version") {
      if (base === "cmi") { return this.ok(this.model.dataModelVersion); }
      return this.fail("undefined", "", element + " is not an element of the data model.");
    }
    var resolved = resolve(this.model, base);
    if (!resolved) { return this.fail("undefined", "", base + " is not an element of the data model."); }
    var pattern = resolved.pattern;
    var known = has(this.model.children, pattern) || has(this.model.arrays, pattern) || has(this.model.elements, pattern);
    var wanted = keyword === "_children" ? this.model.children : this.model.arrays;
    if (!has(wanted, pattern)) {
      if (known) { return this.fail(keyword === "_children" ? "children" : "count", "", base + " has no " + keyword + "."); }
      return this.fail("undefined", "", base + " is not an element of the data model.");
    }
    for (var i = 0; i < resolved.arrays.length; i++) {
      var a = resolved.arrays[i];
      if (a.index >= (this.counts[a.path] || 0)) { return this.fail("index", "", a.path + " has no entry " + a.index + "."); }
    }
    if (keyword === "_children") { return this.ok(this.model.children[pattern]); }
    return this.ok(String(this.counts[base] || 0));
  };

  Runtime.prototype.navValid = function (element) {
    var rest = element.slice("adl.nav.request_valid.".length);
    if (rest === "continue" || rest === "previous") {
      return this.ok(has(this.nav, rest) ? this.nav[rest] : "unknown");
    }
    var found = /^(choice|jump)\.\{target=([^{}\s]+)\}$/.exec(rest);
    if (found) {
      var table = this.nav[found[1]] || {};
      return this.ok(has(table, found[2]) ? table[found[2]] : "false");
    }
    return this.fail("undefined", "", element + " is not an element of the data model.");
  };

  Runtime.prototype.setValue = function (element, value) {
    if (this.state !== RUNNING) {
      return this.fail(this.state === NEW ? "set_before" : "set_after", "false", "SetValue outside a running session.");
    }
    return this.store(text(element), text(value)) ? "true" : "false";
  };

  Runtime.prototype.store = function (element, value) {
    if (element === "") { return this.fail("set_empty", false, "The element name is empty."); }
    if (this.version === "2004" && element.indexOf("adl.nav.request_valid.") === 0) {
      return this.fail("read_only", false, element + " is read-only.");
    }
    var keyword = element.split(".").pop();
    if (KEYWORDS.indexOf(keyword) !== -1) { return this.fail("keyword", false, keyword + " cannot be set."); }
    var resolved = resolve(this.model, element);
    var spec = resolved && has(this.model.elements, resolved.pattern) ? this.model.elements[resolved.pattern] : null;
    if (!spec) { return this.fail("undefined", false, element + " is not an element of the data model."); }
    if (spec.access === "ro") { return this.fail("read_only", false, element + " is read-only."); }
    var arrays = resolved.arrays, created = [], i;
    for (i = 0; i < arrays.length; i++) {
      var a = arrays[i], count = this.counts[a.path] || 0;
      if (a.index > count) {
        return this.fail("set_index", false, a.path + " has " + count + " entries: set entry " + count + " first.");
      }
      if (a.index === count) {
        if (i < arrays.length - 1 && this.version === "2004") {
          return this.fail("dependency", false, a.path + "." + a.index + " does not exist yet.");
        }
        if (count >= this.model.arrays[a.pattern]) { return this.fail("set_failure", false, a.path + " is full."); }
        created.push(a);
      }
    }
    var indices = arrays.map(function (a) { return a.index; });
    var requires = spec.requires || [];
    for (i = 0; i < requires.length; i++) {
      var needed = concrete(requires[i], indices);
      if (needed !== element && !has(this.values, needed)) {
        return this.fail("dependency", false, "Set " + needed + " before " + element + ".");
      }
    }
    var interactionType = null;
    if (spec.type === "pattern" || spec.type === "response") {
      interactionType = this.values[concrete("cmi.interactions.n.type", indices)] || null;
    }
    var result = check(this.tables, spec, value, interactionType);
    if (result !== OK) {
      return this.fail(result === TYPE ? "type" : "range", false, JSON.stringify(value) + " is not a valid value for " + element + ".");
    }
    if (spec.immutable && has(this.values, element) && this.values[element] !== value) {
      return this.fail("set_failure", false, element + " cannot change once set.");
    }
    if (spec.unique) {
      var last = arrays[arrays.length - 1];
      var suffix = element.slice(last.path.length + String(last.index).length + 2);
      for (var other = 0; other < (this.counts[last.path] || 0); other++) {
        if (other !== last.index && this.values[last.path + "." + other + "." + suffix] === value) {
          return this.fail("set_failure", false, JSON.stringify(value) + " is already used in " + last.path + ".");
        }
      }
    }
    for (i = 0; i < created.length; i++) { this.counts[created[i].path] = created[i].index + 1; }
    this.values[element] = value;
    this.dirty.set(element, value);
    this.ok("");
    return true;
  };

  // --- what player.js uses --------------------------------------------------------------------------
  /** The values set since the last acknowledged commit, as [element, value] pairs in first-set order. */
  Runtime.prototype.pending = function () { return Array.from(this.dirty.entries()); };

  /** The server stored these pairs: forget those not changed again since they were sent. */
  Runtime.prototype.acknowledge = function (pairs) {
    for (var i = 0; i < pairs.length; i++) {
      if (this.dirty.get(pairs[i][0]) === pairs[i][1]) { this.dirty["delete"](pairs[i][0]); }
    }
  };

  /** End the session without a Terminate call (the player moved on); later calls get "after termination". */
  Runtime.prototype.end = function () { this.state = TERMINATED; };

  Runtime.prototype.navigationRequest = function () {
    return has(this.values, "adl.nav.request") ? this.values["adl.nav.request"] : "_none_";
  };

  /** The API object a SCO finds: every call goes to whatever session `current()` returns. */
  function api(version, current) {
    var object = {};
    var names = NAMES[version];
    Object.keys(names).forEach(function (name) {
      object[name] = function () {
        var runtime = current();
        return runtime[names[name]].apply(runtime, arguments);
      };
    });
    return object;
  }

  global.ScormRuntime = {Runtime: Runtime, Tables: Tables, api: api, NAMES: NAMES,
                         completionStatus: completionStatus, successStatus: successStatus};
})(window);
