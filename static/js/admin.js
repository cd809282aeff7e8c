/* The Django admin's scripts leave a few elements without an accessible name; this
   names them, also when they appear later (inline rows added, selectors built on load).
   Loaded by templates/admin/base_site.html. */
"use strict";
(function () {
    // SelectFilter2 puts aria-label on a bare <span> (not allowed without a role); as
    // an image it names the filter box its <label> belongs to.
    function nameFilterIcons(root) {
        root.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
            icon.setAttribute("role", "img");
        });
    }

    // Select2 (autocomplete fields) names its combobox by the chosen value only, which
    // is empty until something is chosen: name it by the field's label instead.
    function nameAutocompletes(root) {
        root.querySelectorAll(".select2-selection[role=combobox]:not([aria-label])").forEach(function (box) {
            var container = box.closest(".select2");
            var select = container && container.previousElementSibling;
            if (!select || select.tagName !== "SELECT") {
                return;
            }
            var label = select.id && document.querySelector('label[for="' + select.id + '"]');
            var name = select.getAttribute("aria-label") || (label && label.textContent.replace(/:\s*$/, "").trim());
            if (name) {
                box.setAttribute("aria-label", name);
                box.removeAttribute("aria-labelledby");
                box.querySelectorAll("[role=textbox]").forEach(function (shown) {
                    shown.setAttribute("aria-label", name);
                });
            }
        });
    }

    // django-import-export's "Select all" label points at an id its checkbox lacks.
    function nameExportToggle(root) {
        root.querySelectorAll("input.select-toggle:not([id])").forEach(function (toggle) {
            if (root.querySelector('label[for="select-all-toggle"]') && !document.getElementById("select-all-toggle")) {
                toggle.id = "select-all-toggle";
            }
        });
    }

    function nameAll(root) {
        nameFilterIcons(root);
        nameAutocompletes(root);
        nameExportToggle(root);
    }

    new MutationObserver(function () {
        nameAll(document);
    }).observe(document.documentElement, {childList: true, subtree: true});
    nameAll(document);
})();
