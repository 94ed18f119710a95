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
    return { query: (params.get("q") || "").trim(), filters: filters, sort: params.get("tri") || "",
             scope: params.get("portee") || "" };
  }

  var scope = "";  // years searched: "toutes" or one year, kept in the address as ?portee=

  function writeAddress(query, filters, sort) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (scope) params.set("portee", scope);
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
    var parts = useParts(root, instance, state);
    if (!parts) return;
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
          // Merged indexes rank by score only: a date order over several parts is put together here.
          if (order && parts.chosen.length > 1) return searchInDateOrder(parts, term, opts, order);
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

  // The index is made of parts, a few per year (registre/search.py).  The search runs over the parts of the
  // years chosen: all years on a register of moderate size, else the most recent year, or the year of the
  // address (?portee=2024, or a single ?année= filter), or all years on request (?portee=toutes).
  function useParts(root, instance, state) {
    var parts = [];
    try { parts = JSON.parse(root.getAttribute("data-registre-parts") || "[]"); } catch (e) { parts = []; }
    if (!parts.length) {
      root.classList.add("registre-search--empty");
      return false;
    }
    var years = parts.map(function (p) { return String(p.annee); })
      .filter(function (y, i, all) { return all.indexOf(y) === i; }).sort().reverse();
    var yearFilter = state.filters["année"] || [];
    scope = state.scope;
    if (scope !== "toutes" && years.indexOf(scope) < 0) {
      if (yearFilter.length === 1 && years.indexOf(yearFilter[0]) >= 0) scope = yearFilter[0];
      else if (yearFilter.length > 1 || root.hasAttribute("data-registre-all-years")) scope = "toutes";
      else scope = years[0];
    }
    var chosen = scope === "toutes" ? parts : parts.filter(function (p) { return String(p.annee) === scope; });
    var base = root.getAttribute("data-registre-base") || "/";
    instance.options.bundlePath = base + chosen[0].chemin;
    instance.options.mergeIndex = chosen.slice(1).map(function (p) {
      return { bundlePath: base + p.chemin, baseUrl: base };
    });
    var select = document.getElementById("registre-portee");
    if (select) {
      select.value = scope;
      select.addEventListener("change", function () {
        scope = select.value;
        var input = root.querySelector("pagefind-input input");
        writeAddress(input ? input.value.trim() : state.query, instance.searchFilters || state.filters,
                     document.getElementById("registre-tri") ? document.getElementById("registre-tri").value : "");
        window.location.reload();  // another set of indexes: a fresh Pagefind instance
      });
    }
    var byDefault = root.hasAttribute("data-registre-all-years") ? "toutes" : years[0];
    if (scope === byDefault) scope = "";  // the address names the years only when they are not the default
    return { chosen: chosen, base: base, instances: null };
  }

  // Date order over several parts: each part sorted by Pagefind, the parts one after the other (they follow
  // each other in time: registre/search.py), filter counts added up.
  function searchInDateOrder(parts, term, options, order) {
    if (!parts.instances) {
      parts.instances = import(parts.base + parts.chosen[0].chemin + "pagefind.js").then(function (module) {
        var instances = parts.chosen.map(function (part) {
          return module.createInstance({ basePath: parts.base + part.chemin, baseUrl: parts.base });
        });
        // Loading every filter first makes each search return the counts of all of them, as the
        // merged instance of the Component UI does.
        return Promise.all(instances.map(function (one) { return one.filters(); })).then(function () {
          return instances;
        });
      });
    }
    return parts.instances.then(function (instances) {
      return Promise.all(instances.map(function (one) { return one.search(term, options); }));
    }).then(function (responses) {
      responses = responses.filter(Boolean);
      if (order === "desc") responses.reverse();
      var merged = { results: [], unfilteredResultCount: 0, filters: {}, totalFilters: {}, timings: [] };
      responses.forEach(function (response) {
        merged.results = merged.results.concat(response.results || []);
        merged.unfilteredResultCount += response.unfilteredResultCount || 0;
        addCounts(merged.filters, response.filters);
        addCounts(merged.totalFilters, response.totalFilters);
      });
      return merged;
    });
  }

  function addCounts(into, counts) {
    Object.keys(counts || {}).forEach(function (name) {
      into[name] = into[name] || {};
      Object.keys(counts[name]).forEach(function (value) {
        into[name][value] = (into[name][value] || 0) + counts[name][value];
      });
    });
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
