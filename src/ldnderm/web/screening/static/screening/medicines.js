// Medicine autocomplete: a picked suggestion fills the medicine field whose id is data-for (and the
// RxNorm and ATC fields of the same row); in a one-per-line text area it replaces the last line.
document.addEventListener("click", function (event) {
  var pick = event.target.closest ? event.target.closest("button.med-pick") : null;
  if (!pick) return;
  var field = document.getElementById(pick.dataset.for);
  if (!field) return;
  if (field.tagName === "TEXTAREA") {
    var lines = field.value.split("\n");
    lines[lines.length - 1] = pick.dataset.name;
    field.value = lines.join("\n") + "\n";
  } else {
    field.value = pick.dataset.name;
    var row = field.closest(".med-row");
    if (row) {
      var rx = row.querySelector("input[name$='-rxnorm']");
      var atc = row.querySelector("input[name$='-atc']");
      if (rx) rx.value = pick.dataset.rxnorm || "";
      if (atc) atc.value = pick.dataset.atc || "";
    }
  }
  var list = pick.closest(".med-suggestions");
  if (list && list.parentElement) list.parentElement.innerHTML = "";
  field.focus();
});
