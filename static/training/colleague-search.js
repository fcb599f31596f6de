// The search for a person to book on a training session (templates/training/session_detail.html).
// Without this script the search box is a plain form: it reloads the page with the matches to
// choose from. With it, the box becomes a combobox (the ARIA 1.2 pattern with a listbox popup)
// that suggests up to ten people as you type, from training:colleague_search; choosing one fills
// the booking form below it. Keys: Down and Up move through the suggestions, Enter chooses one
// (or, with none highlighted, searches as the plain form does), Escape closes the list, and a
// second Escape clears the box.
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var DELAY = 200; // milliseconds after the last key press before asking the server

  function setUp(form) {
    var input = form.querySelector("input[type='search']");
    var list = form.querySelector("[role='listbox'], .colleague-suggestions");
    var status = form.querySelector("[data-colleague-status]");
    var chosen = document.querySelector("[data-colleague-chosen]");
    if (!input || !list || !chosen) {
      return;
    }
    var attendee = chosen.querySelector("input[name='attendee']");
    var chosenName = chosen.querySelector("[data-colleague-name]");
    var endpoint = form.getAttribute("data-colleague-search");
    var timer = null;
    var latest = 0; // the number of the last request sent; older answers are dropped
    var active = -1;

    list.setAttribute("role", "listbox");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function options() {
      return list.querySelectorAll("[role='option']");
    }

    function say(text) {
      status.textContent = text;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) {
        return;
      }
      active = (index + all.length) % all.length;
      for (var i = 0; i < all.length; i += 1) {
        all[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      attendee.value = option.getAttribute("data-id");
      chosenName.textContent = option.textContent;
      input.value = option.textContent;
      chosen.hidden = false;
      close();
      say(option.textContent + " chosen. The button to book them follows the search box.");
    }

    function note(text) {
      var item = document.createElement("li");
      item.className = "colleague-note";
      item.setAttribute("role", "presentation");
      item.textContent = text;
      list.appendChild(item);
    }

    function show(answer) {
      // A later answer (more of the name typed) keeps the person highlighted, if still offered.
      var current = active >= 0 ? options()[active] : null;
      var keep = current ? current.getAttribute("data-id") : null;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      answer.results.forEach(function (person, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-id", String(person.id));
        item.textContent = person.label;
        list.appendChild(item);
      });
      if (!answer.results.length) {
        note(answer.message);
      } else if (answer.more) {
        note("Showing the first " + answer.results.length + ". Type more of the name to find someone else.");
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      if (keep !== null) {
        var all = options();
        for (var i = 0; i < all.length; i += 1) {
          if (all[i].getAttribute("data-id") === keep) {
            highlight(i);
            break;
          }
        }
      }
      var count = answer.results.length;
      say(count ? count + (answer.more ? " or more" : "") + (count === 1 ? " person matches." : " people match.") +
        " Use the down arrow to choose." : answer.message);
    }

    function search() {
      var text = input.value.trim();
      if (text.length < MIN_LENGTH) {
        close();
        list.textContent = "";
        return;
      }
      latest += 1;
      var mine = latest;
      fetch(endpoint + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (answer) {
          if (mine === latest) {
            show(answer);
          }
        })
        .catch(function () {
          if (mine === latest) {
            close();
            say("Suggestions are not available just now. Press Enter to search.");
          }
        });
    }

    input.addEventListener("input", function () {
      chosen.hidden = true;
      attendee.value = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options().length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) {
          if (list.hidden && options().length) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
          } else {
            return;
          }
        }
        event.preventDefault();
        highlight(event.key === "ArrowDown" ? active + 1 : active < 0 ? -1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(options()[active]);
        }
        // Otherwise the form searches, as it does without the script.
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          chosen.hidden = true;
          attendee.value = "";
        }
      }
    });

    list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the box
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role='option']");
      if (option) {
        choose(option);
        input.focus();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-colleague-search]").forEach(setUp);
  });
})();
