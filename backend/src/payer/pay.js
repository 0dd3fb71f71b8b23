// The payer's pages: card checks in the page (the server checks again) and no double submits.
(function () {
  "use strict";
  function luhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
    }
    return sum % 10 === 0;
  }
  function setError(form, name, message) {
    var el = form.querySelector('.field-error[data-for="' + name + '"]');
    if (el) el.textContent = message || "";
    var input = form.querySelector('[name="' + name + '"]');
    if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
  }
  function lockOnSubmit(form, label) {
    form.addEventListener("submit", function (e) {
      if (form.dataset.sent === "1") { e.preventDefault(); return; }
      if (e.defaultPrevented) return;
      form.dataset.sent = "1";
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = label; }
    });
  }
  var pay = document.getElementById("pay");
  if (pay) {
    var number = pay.querySelector("#number");
    number.addEventListener("input", function () {
      var digits = number.value.replace(/\D/g, "").slice(0, 19);
      number.value = digits.replace(/(\d{4})(?=\d)/g, "$1 ");
    });
    var exp = pay.querySelector("#exp");
    exp.addEventListener("input", function () {
      var d = exp.value.replace(/\D/g, "").slice(0, 4);
      exp.value = d.length > 2 ? d.slice(0, 2) + "/" + d.slice(2) : d;
    });
    pay.addEventListener("submit", function (e) {
      var ok = true;
      var digits = number.value.replace(/\s/g, "");
      if (!/^\d{13,19}$/.test(digits) || !luhn(digits)) { setError(pay, "number", "Проверьте номер карты."); ok = false; }
      else setError(pay, "number", "");
      var m = /^(\d{2})\/(\d{2})$/.exec(exp.value);
      var now = new Date();
      var valid = m && Number(m[1]) >= 1 && Number(m[1]) <= 12 &&
        (2000 + Number(m[2]) > now.getFullYear() || (2000 + Number(m[2]) === now.getFullYear() && Number(m[1]) >= now.getMonth() + 1));
      if (!valid) { setError(pay, "exp", "Срок действия указан неверно или истёк."); ok = false; } else setError(pay, "exp", "");
      var cvc = pay.querySelector("#cvc").value;
      if (!/^\d{3}$/.test(cvc)) { setError(pay, "cvc", "Три цифры с обратной стороны карты."); ok = false; } else setError(pay, "cvc", "");
      if (!ok) e.preventDefault();
    });
    lockOnSubmit(pay, "Оплата…");
  }
  var challenge = document.getElementById("challenge");
  if (challenge) lockOnSubmit(challenge, "Проверяем…");
})();
