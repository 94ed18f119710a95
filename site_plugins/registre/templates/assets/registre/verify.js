/* « Vérifier un document » : the SHA-256 of the chosen file is computed here,
 * in the browser (Web Crypto), and looked up in the shards of the hashes the site
 * publishes: verifier/empreintes/<year>/<first 2 hex characters>.json, one fetch per
 * year listed by the page (data-years); a missing shard (404) means no match that year.
 * Nothing is uploaded. Every text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var HEX = /^[0-9a-f]{64}$/;

  function toHex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return out;
  }

  /* What a citizen may paste: spaces, upper case, "sha256:" or "SHA-256 :" prefix. */
  function normalise(text) {
    var value = String(text || "").toLowerCase().replace(/^\s*sha-?256\s*:?/, "").replace(/[\s:]/g, "");
    return HEX.test(value) ? value : null;
  }

  function lookup(shard, digest) {
    var table = shard && shard.empreintes;
    return (table && Object.prototype.hasOwnProperty.call(table, digest)) ? table[digest] : [];
  }

  /* URLs of the shards that may hold ``digest``: one per year, in the order given (newest first). */
  function shardUrls(base, years, digest) {
    if (base && base.charAt(base.length - 1) !== "/") { base += "/"; }
    return years.map(function (year) { return base + year + "/" + digest.slice(0, 2) + ".json"; });
  }

  function frenchDate(iso) {
    var months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                  "octobre", "novembre", "décembre"];
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) { return iso || ""; }
    var day = parseInt(m[3], 10);
    return (day === 1 ? "1er" : String(day)) + " " + months[parseInt(m[2], 10) - 1] + " " + m[1];
  }

  /* Plain sentences for one match (no markup). */
  function describe(match) {
    var lines = [];
    lines.push(capitalise(match.libelle) + " — " + match.titre + " du " + match.date + " : " + match.objet);
    if (match.scelle_le) {
      lines.push("Inscrit au registre scellé le " + frenchDate(match.scelle_le) + ".");
    } else {
      lines.push("Document publié, pas encore inscrit au registre scellé.");
    }
    if (match.actuel === false) {
      lines.push("C'est une version antérieure de ce fichier : la version en ligne a été mise à jour depuis "
                 + "(par exemple après la transmission au représentant de l'État).");
    }
    return lines;
  }

  function capitalise(text) {
    text = String(text || "");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  var api = { toHex: toHex, normalise: normalise, lookup: lookup, shardUrls: shardUrls, describe: describe,
              frenchDate: frenchDate };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
  if (typeof document === "undefined") { return; }

  var form = document.getElementById("registre-verify");
  var output = document.getElementById("registre-verify-result");
  if (!form || !output) { return; }
  var root = form.getAttribute("data-root") || ".";
  if (root.charAt(root.length - 1) !== "/") { root += "/"; }
  var shardsBase = form.getAttribute("data-shards") || "";
  var years = (form.getAttribute("data-years") || "").split(/\s+/).filter(Boolean);
  var commune = form.getAttribute("data-commune") || "";
  var loaded = {};  // shard URL → promise of its content (null: no such shard)

  function loadShard(url) {
    if (!Object.prototype.hasOwnProperty.call(loaded, url)) {
      loaded[url] = fetch(url, { cache: "no-cache" }).then(function (response) {
        if (response.status === 404) { return null; }  // no published hash with this prefix that year
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
      loaded[url].catch(function () { delete loaded[url]; });
    }
    return loaded[url];
  }

  function matchesOf(digest) {
    return Promise.all(shardUrls(shardsBase, years, digest).map(loadShard)).then(function (shards) {
      var matches = [];
      shards.forEach(function (shard) { matches = matches.concat(lookup(shard, digest)); });
      return matches;
    });
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function clear() {
    while (output.firstChild) { output.removeChild(output.firstChild); }
    output.className = "registre-verify__result";
  }

  function say(kind, title, paragraphs) {
    clear();
    output.className = "registre-verify__result admonition " + kind;
    output.appendChild(element("p", title, "admonition-title"));
    paragraphs.forEach(function (p) { output.appendChild(typeof p === "string" ? element("p", p) : p); });
  }

  function show(digest, what) {
    return matchesOf(digest).then(function (matches) {
      var shown = element("p");
      shown.appendChild(document.createTextNode("Empreinte SHA-256 " + what + " : "));
      shown.appendChild(element("code", digest, "registre-hash"));
      if (!matches.length) {
        say("failure", "Aucun document publié ne correspond", [
          "Ce " + (what === "du fichier" ? "fichier" : "code") + " ne correspond à aucun document publié sur le "
            + "registre de " + commune + ". Il a pu être modifié, même d'un seul caractère, ou ce n'est "
            + "pas un document de ce registre. Téléchargez-le à nouveau depuis la page de l'acte.",
          shown]);
        output.setAttribute("data-result", "inconnu");
        return;
      }
      var items = element("ul");
      matches.forEach(function (match) {
        var item = element("li");
        describe(match).forEach(function (line, i) {
          item.appendChild(i === 0 ? element("strong", line) : element("span", line));
          item.appendChild(document.createElement("br"));
        });
        var link = element("a", match.lien || "Voir la page de l'acte");
        link.href = root + match.url;
        item.appendChild(link);
        items.appendChild(item);
      });
      say("success", "Document reconnu : il est identique au document publié", [items, shown]);
      output.setAttribute("data-result", "reconnu");
      output.setAttribute("data-acte", matches[0].acte);
    }).catch(function () {
      say("warning", "Vérification impossible", [
        "La liste des documents publiés n'a pas pu être chargée. Vérifiez votre connexion, puis réessayez."]);
      output.setAttribute("data-result", "erreur");
    });
  }

  var fileInput = document.getElementById("registre-verify-file");
  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file) { return; }
    if (!(window.crypto && window.crypto.subtle)) {
      say("warning", "Vérification impossible dans ce navigateur", [
        "Votre navigateur ne permet pas de calculer l'empreinte (il faut une page en https et un navigateur "
        + "récent). Calculez-la avec votre ordinateur comme indiqué plus bas."]);
      output.setAttribute("data-result", "erreur");
      return;
    }
    clear();
    output.appendChild(element("p", "Calcul de l'empreinte de « " + file.name + " »…"));
    file.arrayBuffer().then(function (buffer) {
      return window.crypto.subtle.digest("SHA-256", buffer);
    }).then(function (hash) {
      return show(toHex(hash), "du fichier");
    }).catch(function () {
      say("warning", "Lecture du fichier impossible", ["Le fichier n'a pas pu être lu. Réessayez."]);
      output.setAttribute("data-result", "erreur");
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("registre-verify-hash").value;
    var digest = normalise(text);
    if (!digest) {
      say("warning", "Empreinte incomplète", [
        "Une empreinte SHA-256 compte 64 caractères de 0 à 9 et de a à f. Vérifiez le code collé."]);
      output.setAttribute("data-result", "invalide");
      return;
    }
    show(digest, "indiquée");
  });
}());
