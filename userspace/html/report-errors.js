'use strict';
/* Errors of the page's script, shown on the page (and in the console). */
window.scxdumpErrors = [];
window.addEventListener('error', ev => scxdumpError((ev.message || 'error') + (ev.lineno ? ' (line ' + ev.lineno + ')' : '')));
window.addEventListener('unhandledrejection', ev => scxdumpError('unhandled rejection: ' + ev.reason));
function scxdumpError(msg) {
	const box = document.getElementById('js-errors');
	window.scxdumpErrors.push(msg);
	box.hidden = false;
	box.querySelector('ul').appendChild(document.createElement('li')).textContent = msg;
	document.body.dataset.jsErrors = window.scxdumpErrors.length;
}
