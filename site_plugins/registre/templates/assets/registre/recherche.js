/* Registre: the search page (recherche/) around Pagefind's Component UI.
 *
 * - reads the query and the filters from the address (?q=école&type=Arrêté&année=2025), as the header
 *   search form of every page sends them, and runs that search;
 * - keeps the address in step with what is searched, so a result can be shared or reopened with the
 *   browser's Back button;
 * - sorts by date on request, and always when there is no query (the newest acts first).
 * Everything else (input, live announcements, filters, results) is the Component UI's.
 */
(function () {
  "use strict";

  var FILTERS = ["année", "type", "matière", "statut"];

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    FILTERS.forEach(function (name) {
      var values = params.getAll(name).filter(Boolean);
      if (values.length) filters[name] = values;
    });
    return { query: (params.get("q") || "").trim(), filters: filters, sort: params.get("tri") || "" };
  }

  function writeAddress(query, filters, sort) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    FILTERS.forEach(function (name) {
      var values = (filters && filters[name]) || [];
      values.forEach(function (value) { params.append(name, value); });
    });
    if (sort) params.set("tri", sort);
    var search = params.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", url);
    }
  }

  function start() {
    var root = document.querySelector("[data-registre-search]");
    var components = window.PagefindComponents;
    if (!root || !components) return;
    var instance = components.getInstanceManager().getInstance("default");
    var sortSelect = document.getElementById("registre-tri");
    var state = readAddress();
    if (sortSelect && ["", "asc", "desc"].indexOf(state.sort) >= 0) sortSelect.value = state.sort;

    function currentSort() { return sortSelect ? sortSelect.value : ""; }

    function rerun() {
      instance.triggerSearchWithFilters(instance.searchTerm || "", instance.searchFilters || {});
    }

    // Once the index is loaded (the Component UI has then started its own empty "faceted" search):
    // sort, then run the search of the address, then let the address follow the searches.
    instance.triggerLoad().then(function () {
      // Pagefind's search accepts {sort: {date: "asc"|"desc"}} (data-pagefind-sort of the act pages);
      // the Component UI does not pass it, so its search call is wrapped.
      var pagefind = instance.__pagefind__;
      if (pagefind && typeof pagefind.search === "function" && !pagefind.registreSorted) {
        var search = pagefind.search.bind(pagefind);
        pagefind.search = function (term, options) {
          var order = currentSort() || (term ? "" : "desc");
          var opts = Object.assign({}, options || {});
          if (order) opts.sort = { date: order };
          return search(term, opts);
        };
        pagefind.registreSorted = true;
      }
      var input = root.querySelector("pagefind-input input");
      var typed = input ? input.value.trim() : "";
      var query = typed || state.query;
      if (input && !typed) input.value = query;
      instance.on("search", function (term, filters) {
        term = (term || "").trim();
        writeAddress(term, filters || {}, currentSort());
        // Without a query, the excerpts are only the first words of each act: hidden.
        root.classList.toggle("registre-search--browse", !term);
        if (!more.expanding) more.reset();
        more.expanding = false;
      });
      instance.on("results", function (result) {
        more.update(result && result.results ? result.results.length : 0);
      });
      instance.triggerSearchWithFilters(query, state.filters);
    });

    var more = moreResults(root, rerun);

    if (sortSelect) {
      sortSelect.addEventListener("change", function () {
        writeAddress(instance.searchTerm || "", instance.searchFilters || {}, currentSort());
        rerun();
      });
    }
    root.classList.toggle("registre-search--browse", !state.query);
    foldFilters(root, Object.keys(state.filters).length > 0);
  }

  // Results come PAGE at a time (a register may hold 100,000 acts): a button shows the next ones and
  // takes the keyboard focus to the first of them.
  function moreResults(root, rerun) {
    var results = root.querySelector("pagefind-results");
    var button = root.querySelector(".registre-search__more-button");
    var page = parseInt(results.getAttribute("max-results") || "0", 10) || 0;
    var state = { expanding: false, shown: page, focusIndex: -1 };
    state.reset = function () {
      state.shown = page;
      if (page) results.setAttribute("max-results", String(page));
    };
    state.update = function (total) {
      if (!button || !page) return;
      var left = total - state.shown;
      button.hidden = left <= 0;
      if (left > 0) {
        var next = Math.min(left, page);
        button.textContent = "Afficher " + (next > 1 ? "les " + next + " résultats suivants" : "le résultat suivant") +
          " (" + state.shown + " affichés sur " + total + ")";
      }
      if (state.focusIndex >= 0) focusResult(state.focusIndex);
      state.focusIndex = -1;
    };
    function focusResult(index) {
      var tries = 0;
      (function attempt() {
        var item = results.querySelector('[data-pf-result-index="' + index + '"]');
        var link = item && item.querySelector("a");
        if (link) { link.focus(); return; }
        if (item) item.scrollIntoView({ block: "center" });  // draws it (lazy results)
        if (++tries < 60) window.setTimeout(attempt, 50);
      })();
    }
    if (button) {
      button.addEventListener("click", function () {
        state.focusIndex = state.shown;
        state.shown += page;
        state.expanding = true;
        results.setAttribute("max-results", String(state.shown));
        rerun();
      });
    }
    return state;
  }

  // Filters fold behind their title's button on a narrow screen (results first), unless some are set.
  function foldFilters(root, active) {
    var button = root.querySelector(".registre-search__filters-toggle");
    var panel = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.hidden = !open;
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    show(active || window.matchMedia("(min-width: 50em)").matches);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
