// GoFlow dashboard: one script for every page; the path says which page to draw.
// Every value from the server reaches the page as text (textContent, text nodes, attribute values), never as markup,
// so a payload holding <script> shows as text. The API key lives in sessionStorage only and travels in the
// Authorization header, never in an address. Pages refresh themselves by polling (see docs/decisions/0013-dashboard.md).
'use strict';

(() => {
  const KEY_STORAGE = 'goflow.dashboard.apiKey';
  const REFRESH_MS = 2000;
  const ROOT = '/dashboard';
  const API = ROOT + '/api';
  const STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];
  // The shape beside each status, so that a status never rests on colour alone.
  const SHAPES = { PENDING: '○', RUNNING: '◔', WAITING: '◷', COMPLETED: '✔', FAILED: '✖', CANCELLED: '⊘' };

  const main = document.getElementById('main');

  // ---- building the page -------------------------------------------------------------------------------------------

  // An element with attributes and children; strings become text nodes. 'text' sets textContent.
  function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') element.textContent = value;
      else element.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : String(child));
    }
    return element;
  }

  function statusBadge(status) {
    return el('span', { class: 'status status-' + String(status).toLowerCase() },
      el('span', { 'aria-hidden': 'true' }, SHAPES[status] || '?'), status);
  }

  function formatTime(iso) {
    return iso ? String(iso).replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '—';
  }

  function formatCount(count) {
    const value = Number(count.value).toLocaleString('en');
    return count.capped ? 'more than ' + value : value;
  }

  function formatDuration(milliseconds) {
    if (!(milliseconds >= 0)) return '—';
    if (milliseconds < 1000) return milliseconds + ' ms';
    const seconds = milliseconds / 1000;
    if (seconds < 120) return seconds.toFixed(1) + ' s';
    return (seconds / 60).toFixed(1) + ' min';
  }

  function formatAge(seconds) {
    const days = seconds / 86400;
    if (Number.isInteger(days)) return days === 1 ? '1 day' : days + ' days';
    const hours = seconds / 3600;
    if (Number.isInteger(hours)) return hours === 1 ? '1 hour' : hours + ' hours';
    return Math.round(seconds / 60) + ' minutes';
  }

  // JSON text shown indented; text that is not JSON is shown as it is.
  function prettyJson(text) {
    if (text === null || text === undefined) return '—';
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return String(text);
    }
  }

  function workflowLink(id) {
    return el('a', { href: ROOT + '/workflows/' + encodeURIComponent(id) }, el('code', { text: id }));
  }

  function setMessage(element, text, isError) {
    element.textContent = text;
    element.classList.toggle('is-error', Boolean(isError));
  }

  // A problem document (RFC 9457) as one line: its detail, or its title, and each field's messages.
  function describeProblem(problem, fallback) {
    if (!problem || typeof problem !== 'object') return fallback;
    const parts = [problem.detail || problem.title || fallback];
    if (problem.errors && typeof problem.errors === 'object') {
      for (const [field, messages] of Object.entries(problem.errors)) {
        parts.push(field + ': ' + [].concat(messages).join(' '));
      }
    }
    return parts.join(' ');
  }

  // ---- talking to the server ---------------------------------------------------------------------------------------

  class KeyNeeded extends Error {}

  async function request(method, url, body, headers) {
    const sent = { Accept: 'application/json', ...(headers || {}) };
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (key) sent.Authorization = 'Bearer ' + key;
    if (body !== undefined) sent['Content-Type'] = 'application/json';
    const response = await fetch(url, { method, headers: sent, body, credentials: 'omit', cache: 'no-store' });
    if (response.status === 401) {
      askForKey(key ? 'That API key was refused. Enter a valid key.' : '');
      throw new KeyNeeded();
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    return { status: response.status, ok: response.ok, data };
  }

  const keyPrompt = document.getElementById('key-prompt');
  const keyInput = document.getElementById('key-input');
  const keyError = document.getElementById('key-error');

  function askForKey(error) {
    sessionStorage.removeItem(KEY_STORAGE);
    keyError.textContent = error;
    keyInput.setAttribute('aria-invalid', error ? 'true' : 'false');
    if (keyPrompt.hidden) {
      keyPrompt.hidden = false;
      main.hidden = true;
      keyInput.focus();
    }
  }

  document.getElementById('key-form').addEventListener('submit', event => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY_STORAGE, key);
    keyInput.value = '';
    keyPrompt.hidden = true;
    main.hidden = false;
    route();
  });

  // Calls update() now and every REFRESH_MS while keepGoing() says so and the poll is not paused.
  function poll(update, keepGoing) {
    const state = { paused: false, timer: 0, loaded: false };
    async function tick() {
      state.timer = 0;
      try {
        await update();
        state.loaded = true;
      } catch (error) {
        // Without a key nothing can be read: the prompt redraws the page once a key is given.
        if (error instanceof KeyNeeded) return;
        // A page that never loaded says why; one that did keeps polling through a passing outage (a restart, say).
        if (!state.loaded) {
          showFailure(error);
          return;
        }
      }
      schedule();
    }
    function schedule() {
      if (!state.paused && !state.timer && (!keepGoing || keepGoing())) state.timer = setTimeout(tick, REFRESH_MS);
    }
    return {
      start: () => { tick(); },
      pause: () => { state.paused = true; clearTimeout(state.timer); state.timer = 0; },
      resume: () => { state.paused = false; schedule(); },
      kick: () => { clearTimeout(state.timer); state.timer = 0; tick(); },
    };
  }

  // A button that pauses and resumes a poll, announced as a toggle.
  function pauseButton(poller) {
    const button = el('button', { type: 'button', 'aria-pressed': 'false' }, 'Pause auto-refresh');
    button.addEventListener('click', () => {
      const pausing = button.getAttribute('aria-pressed') !== 'true';
      button.setAttribute('aria-pressed', String(pausing));
      button.textContent = pausing ? 'Resume auto-refresh' : 'Pause auto-refresh';
      if (pausing) poller.pause(); else poller.resume();
    });
    return button;
  }

  function showFailure(error) {
    main.replaceChildren(el('h1', {}, 'Something went wrong'),
      el('p', { class: 'message is-error', role: 'alert' }, String(error && error.message ? error.message : error)));
  }

  // ---- overview ----------------------------------------------------------------------------------------------------

  function overviewPage() {
    document.title = 'Overview · GoFlow';
    const updated = el('p', { class: 'note', 'aria-live': 'off' });
    const counts = el('ul', { class: 'cards', 'aria-label': 'Workflows by status' });
    const chart = el('div');
    const failures = el('p');
    const retention = el('div');
    const definitions = el('div');
    const poller = poll(async () => {
      const answer = await request('GET', API + '/overview');
      if (!answer.ok) throw new Error(describeProblem(answer.data, 'The overview could not be read.'));
      const data = answer.data;
      updated.textContent = 'Updated ' + formatTime(data.at) + '. Counts stop at a cap so the page stays fast; a capped count says "more than".';
      counts.replaceChildren(...STATUSES.map(status => el('li', { class: 'card' },
        el('span', { class: 'count', 'data-status': status }, formatCount(data.counts_by_status[status])),
        statusBadge(status), ' ',
        el('a', { href: ROOT + '/workflows?status=' + status, 'aria-label': 'List ' + status + ' workflows' }, 'list'))));
      // Redrawn on every poll; a table the operator opened stays open.
      const tableOpen = Boolean(chart.querySelector('details') && chart.querySelector('details').open);
      chart.replaceChildren(throughputChart(data));
      chart.querySelector('details').open = tableOpen;
      failures.replaceChildren(
        el('span', { class: 'count', 'data-testid': 'failed-last-hour' }, formatCount(data.failed_last_hour)),
        ' workflows failed in the last hour. ',
        el('a', { href: ROOT + '/workflows?status=FAILED' }, 'See the failed workflows'));
      retention.replaceChildren(...retentionText(data));
      definitions.replaceChildren(definitionList(data.definitions));
    });
    main.replaceChildren(
      el('h1', {}, 'Overview'),
      el('div', { class: 'toolbar' }, pauseButton(poller), updated),
      el('section', { 'aria-labelledby': 'counts-title' }, el('h2', { id: 'counts-title' }, 'Workflows by status'), counts),
      el('section', { 'aria-labelledby': 'throughput-title' }, el('h2', { id: 'throughput-title' }, 'Throughput, last hour'), chart),
      el('section', { 'aria-labelledby': 'failures-title' }, el('h2', { id: 'failures-title' }, 'Failures, last hour'), failures),
      el('section', { 'aria-labelledby': 'retention-title' }, el('h2', { id: 'retention-title' }, 'Retention'), retention),
      el('section', { 'aria-labelledby': 'definitions-title' }, el('h2', { id: 'definitions-title' }, 'Definitions'), definitions));
    poller.start();
  }

  function retentionText(data) {
    const kept = el('p', {}, 'The store keeps ', el('strong', {}, formatCount(data.finished_kept)), ' finished workflows (completed, failed or cancelled).');
    if (!data.retention) {
      return [el('p', {}, 'This host runs no worker, so it does not know the retention setting: the worker hosts apply it.'), kept];
    }
    if (!data.retention.enabled) {
      return [el('p', {}, 'Retention is off: finished workflows are kept for ever.'), kept];
    }
    const age = formatAge(data.retention.max_age_seconds);
    return [
      el('p', {}, 'Finished workflows are kept for ', el('strong', {}, age), ', then deleted with their steps and activity.'),
      kept,
      el('p', {}, formatCount(data.finished_due_for_deletion) + ' of them are older than ' + age + ' and due for deletion.'),
    ];
  }

  function definitionList(definitions) {
    if (!definitions.length) return el('p', {}, 'No workflow is defined.');
    return el('ul', {}, definitions.map(definition => el('li', {},
      el('strong', {}, definition.name), ': ', definition.steps.join(' → '))));
  }

  // Two series over the last hour's minutes, drawn as SVG bars: completed workflows filled, completed steps outlined,
  // so the two differ by shape as well as colour. The same figures are in a table for screen readers.
  function throughputChart(data) {
    const svgNs = 'http://www.w3.org/2000/svg';
    const width = 720;
    const height = 140;
    const minutes = 60;
    const slot = width / minutes;
    const end = Date.parse(data.at);
    const firstMinute = Math.floor(end / 60000) - (minutes - 1);
    const byMinute = series => {
      const counts = new Array(minutes).fill(0);
      for (const minute of series.minutes) {
        const index = Math.floor(Date.parse(minute.minute) / 60000) - firstMinute;
        if (index >= 0 && index < minutes) counts[index] += minute.count;
      }
      return counts;
    };
    const workflows = byMinute(data.workflows_completed);
    const steps = byMinute(data.steps_completed);
    const highest = Math.max(1, ...workflows, ...steps);
    const totalWorkflows = workflows.reduce((a, b) => a + b, 0);
    const totalSteps = steps.reduce((a, b) => a + b, 0);

    const summary = 'In the last hour ' + totalWorkflows + ' workflows and ' + totalSteps + ' steps completed; the busiest minute had ' + highest + '.';
    const svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('class', 'chart');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', summary);
    const bar = (index, count, kind, offset) => {
      const rect = document.createElementNS(svgNs, 'rect');
      const barHeight = count === 0 ? 0 : Math.max(1, (count / highest) * (height - 10));
      rect.setAttribute('x', String(index * slot + offset));
      rect.setAttribute('y', String(height - barHeight));
      rect.setAttribute('width', String(slot / 2 - 1));
      rect.setAttribute('height', String(barHeight));
      rect.setAttribute('class', 'bar-' + kind);
      const title = document.createElementNS(svgNs, 'title');
      title.textContent = new Date((firstMinute + index) * 60000).toISOString().slice(11, 16) + ' UTC: ' + count + ' ' + kind;
      rect.append(title);
      return rect;
    };
    for (let index = 0; index < minutes; index++) {
      svg.append(bar(index, workflows[index], 'workflows', 0), bar(index, steps[index], 'steps', slot / 2));
    }
    const axis = document.createElementNS(svgNs, 'line');
    axis.setAttribute('x1', '0');
    axis.setAttribute('x2', String(width));
    axis.setAttribute('y1', String(height - 0.5));
    axis.setAttribute('y2', String(height - 0.5));
    axis.setAttribute('class', 'axis');
    svg.append(axis);

    const notes = [el('p', { 'data-testid': 'throughput-summary' }, summary)];
    if (data.workflows_completed.capped || data.steps_completed.capped) {
      notes.push(el('p', { class: 'note' }, 'Capped: only the latest completions were counted, so the earliest minutes show too few.'));
    }
    notes.push(el('p', { class: 'note' }, 'Steps are counted among those queued at most ' + formatAge(data.steps_queued_within_seconds) + ' before the hour began.'));
    const rows = [];
    for (let index = 0; index < minutes; index++) {
      if (workflows[index] || steps[index]) {
        rows.push(el('tr', {}, el('th', { scope: 'row' }, new Date((firstMinute + index) * 60000).toISOString().slice(11, 16) + ' UTC'),
          el('td', {}, String(workflows[index])), el('td', {}, String(steps[index]))));
      }
    }
    const table = el('details', {}, el('summary', {}, 'Throughput as a table'),
      el('table', {}, el('caption', {}, 'Completions per minute (minutes without any are left out)'),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Minute'), el('th', { scope: 'col' }, 'Workflows'), el('th', { scope: 'col' }, 'Steps'))),
        el('tbody', {}, rows)));
    return el('div', {},
      el('ul', { class: 'legend' },
        el('li', {}, el('span', { class: 'swatch swatch-workflows', 'aria-hidden': 'true' }), 'Workflows completed (filled)'),
        el('li', {}, el('span', { class: 'swatch swatch-steps', 'aria-hidden': 'true' }), 'Steps completed (outlined)')),
      svg, ...notes, table);
  }

  // ---- list --------------------------------------------------------------------------------------------------------

  function listPage() {
    document.title = 'Workflows · GoFlow';
    const params = new URLSearchParams(location.search);
    const filters = {
      status: params.get('status') || '',
      workflow_name: params.get('workflow_name') || '',
      created_after: params.get('created_after') || '',
      created_before: params.get('created_before') || '',
    };
    const cursors = [''];
    const message = el('p', { class: 'message', role: 'status' });
    const body = el('tbody');
    const next = el('button', { type: 'button', disabled: true }, 'Next page');
    const previous = el('button', { type: 'button', disabled: true }, 'Previous page');
    const pageLabel = el('span', { class: 'note' });

    const poller = poll(async () => {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
      const cursor = cursors[cursors.length - 1];
      if (cursor) query.set('cursor', cursor);
      const answer = await request('GET', API + '/workflows?' + query);
      if (!answer.ok) {
        setMessage(message, describeProblem(answer.data, 'The list could not be read.'), true);
        body.replaceChildren();
        return;
      }
      const page = answer.data;
      body.replaceChildren(...page.workflows.map(workflow => el('tr', {},
        el('td', {}, workflowLink(workflow.id)),
        el('td', {}, workflow.workflow_name),
        el('td', {}, statusBadge(workflow.status)),
        el('td', {}, formatTime(workflow.created_at)),
        el('td', {}, formatTime(workflow.updated_at)))));
      if (!page.workflows.length) body.append(el('tr', {}, el('td', { colspan: '5' }, 'No workflow matches.')));
      next.disabled = !page.next_cursor;
      next.dataset.cursor = page.next_cursor || '';
      previous.disabled = cursors.length < 2;
      pageLabel.textContent = 'Page ' + cursors.length + ', newest first, ' + page.workflows.length + ' shown.';
    });

    next.addEventListener('click', () => { cursors.push(next.dataset.cursor); poller.kick(); });
    previous.addEventListener('click', () => { cursors.pop(); poller.kick(); });

    main.replaceChildren(
      el('h1', {}, 'Workflows'),
      searchForm(),
      filterForm(filters),
      el('div', { class: 'toolbar' }, pauseButton(poller), pageLabel),
      message,
      el('table', {},
        el('caption', {}, 'Workflows, newest first'),
        el('thead', {}, el('tr', {}, ['Id', 'Workflow', 'Status', 'Created', 'Updated'].map(name => el('th', { scope: 'col' }, name)))),
        body),
      el('div', { class: 'toolbar' }, previous, next));
    poller.start();
  }

  function searchForm() {
    const input = el('input', { id: 'search-text', type: 'search', required: true, maxlength: '255', autocomplete: 'off' });
    const result = el('p', { class: 'message', role: 'status', id: 'search-result' });
    const form = el('form', { role: 'search', 'aria-label': 'Find a workflow' },
      el('div', { class: 'field' }, el('label', { for: 'search-text' }, 'Find by workflow id or Idempotency-Key'), input),
      el('button', { type: 'submit' }, 'Find'), result);
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      const answer = await request('GET', API + '/search?q=' + encodeURIComponent(text));
      if (answer.ok) {
        location.assign(ROOT + '/workflows/' + encodeURIComponent(answer.data.id));
      } else {
        setMessage(result, describeProblem(answer.data, 'Nothing found.'), true);
      }
    });
    return form;
  }

  function filterForm(filters) {
    const status = el('select', { id: 'filter-status', name: 'status' },
      el('option', { value: '' }, 'Any status'), STATUSES.map(name => el('option', { value: name, selected: filters.status === name }, name)));
    const name = el('input', { id: 'filter-name', name: 'workflow_name', value: filters.workflow_name, maxlength: '255', list: 'definition-names' });
    const names = el('datalist', { id: 'definition-names' });
    request('GET', API + '/definitions').then(answer => {
      if (answer.ok) names.replaceChildren(...answer.data.map(definition => el('option', { value: definition.name })));
    }).catch(() => {});
    const after = el('input', { id: 'filter-after', type: 'datetime-local', step: '1', value: toLocalInput(filters.created_after) });
    const before = el('input', { id: 'filter-before', type: 'datetime-local', step: '1', value: toLocalInput(filters.created_before) });
    const form = el('form', { class: 'filters', 'aria-label': 'Filter the list' },
      el('div', { class: 'field' }, el('label', { for: 'filter-status' }, 'Status'), status),
      el('div', { class: 'field' }, el('label', { for: 'filter-name' }, 'Workflow name'), name, names),
      el('div', { class: 'field' }, el('label', { for: 'filter-after' }, 'Created after (your time)'), after),
      el('div', { class: 'field' }, el('label', { for: 'filter-before' }, 'Created before (your time)'), before),
      el('button', { type: 'submit' }, 'Apply filters'),
      el('a', { href: ROOT + '/workflows' }, 'Clear'));
    form.addEventListener('submit', event => {
      event.preventDefault();
      const query = new URLSearchParams();
      if (status.value) query.set('status', status.value);
      if (name.value.trim()) query.set('workflow_name', name.value.trim());
      if (after.value) query.set('created_after', new Date(after.value).toISOString());
      if (before.value) query.set('created_before', new Date(before.value).toISOString());
      location.assign(ROOT + '/workflows' + (query.size ? '?' + query : ''));
    });
    return form;
  }

  // An ISO UTC time as a datetime-local input's value, in the browser's time zone.
  function toLocalInput(iso) {
    const time = Date.parse(iso);
    if (Number.isNaN(time)) return '';
    const local = new Date(time - new Date(time).getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 19);
  }

  // ---- detail ------------------------------------------------------------------------------------------------------

  function detailPage(id) {
    document.title = 'Workflow · GoFlow';
    const heading = el('h1', {}, 'Workflow');
    const facts = el('dl', { class: 'facts' });
    const actions = el('div', { class: 'toolbar', 'aria-label': 'Actions', role: 'group' });
    const result = el('p', { class: 'message', role: 'status', id: 'action-result' });
    const input = el('pre', { 'aria-label': 'Current input' });
    const timeline = el('ol', { class: 'timeline' });
    const activity = el('tbody');
    let finished = false;
    let actionsShown = '';

    const poller = poll(async () => {
      const answer = await request('GET', API + '/workflows/' + encodeURIComponent(id));
      if (!answer.ok) {
        finished = true;
        heading.textContent = 'Workflow not found';
        setMessage(result, describeProblem(answer.data, 'The workflow could not be read.'), true);
        return;
      }
      const workflow = answer.data;
      finished = workflow.finished;
      heading.textContent = 'Workflow ' + workflow.workflow_name;
      facts.replaceChildren(
        el('dt', {}, 'Id'), el('dd', {}, el('code', { text: workflow.id })),
        el('dt', {}, 'Status'), el('dd', { id: 'workflow-status' }, statusBadge(workflow.status)),
        el('dt', {}, 'Created'), el('dd', {}, formatTime(workflow.created_at)),
        el('dt', {}, 'Updated'), el('dd', {}, formatTime(workflow.updated_at)),
        el('dt', {}, 'Refresh'), el('dd', {}, finished ? 'Finished: no longer refreshed.' : 'Refreshes every ' + REFRESH_MS / 1000 + ' s.'));
      // The buttons are redrawn only when they change, so that keyboard focus stays where it is between polls.
      const shown = [workflow.can_cancel, workflow.can_retry].join();
      if (shown !== actionsShown) {
        actionsShown = shown;
        actions.replaceChildren(...[
          workflow.can_cancel ? actionButton('Cancel workflow', 'cancel', id, result, poller, true) : null,
          workflow.can_retry ? actionButton('Retry workflow', 'retry', id, result, poller, false) : null,
        ].filter(Boolean));
        if (!workflow.can_cancel && !workflow.can_retry) actions.append(el('span', { class: 'note' }, 'No action: a completed workflow can be neither cancelled nor retried.'));
      }
      input.textContent = prettyJson(workflow.current_input);
      timeline.replaceChildren(...workflow.tasks.map(taskItem));
      activity.replaceChildren(...workflow.activity.map(entry => el('tr', {},
        el('td', {}, formatTime(entry.created_at)),
        el('td', {}, el('code', { text: entry.action })),
        el('td', {}, entry.task_id === null ? '—' : String(entry.task_id)),
        el('td', {}, entry.details === null ? '—' : el('pre', { text: prettyJson(entry.details) })))));
    }, () => !finished);

    main.replaceChildren(
      heading, facts, actions, result,
      el('section', { 'aria-labelledby': 'input-title' }, el('h2', { id: 'input-title' }, 'Current input'),
        el('p', { class: 'note' }, 'The input of the step that runs next, or the last output once the workflow completed.'), input),
      el('section', { 'aria-labelledby': 'timeline-title' }, el('h2', { id: 'timeline-title' }, 'Steps'), timeline),
      el('section', { 'aria-labelledby': 'activity-title' }, el('h2', { id: 'activity-title' }, 'Activity log'),
        el('table', {}, el('caption', {}, 'Activity, oldest first'),
          el('thead', {}, el('tr', {}, ['Time', 'Action', 'Task', 'Details'].map(name => el('th', { scope: 'col' }, name)))),
          activity)));
    poller.start();
  }

  function taskItem(task) {
    const finishedTask = ['COMPLETED', 'FAILED', 'CANCELLED'].includes(task.status);
    const took = finishedTask ? Date.parse(task.updated_at) - Date.parse(task.scheduled_at) : NaN;
    return el('li', { class: 'step step-' + String(task.status).toLowerCase() },
      el('h3', {}, 'Step ' + (task.step_index + 1) + ': ' + task.task_name + ' ', statusBadge(task.status)),
      el('dl', { class: 'facts' },
        el('dt', {}, 'Attempts'), el('dd', {}, task.attempt + ' of ' + task.max_attempts),
        el('dt', {}, 'Took'), el('dd', {}, finishedTask ? formatDuration(took) + ' (from due to finished)' : '—'),
        el('dt', {}, 'Worker'), el('dd', {}, task.worker_id || 'not recorded'),
        el('dt', {}, 'Due'), el('dd', {}, formatTime(task.scheduled_at)),
        task.waiting_for ? [el('dt', {}, 'Waits for'),
          el('dd', { class: 'waiting-for' }, 'signal ' + task.waiting_for + ', until ' + formatTime(task.scheduled_at))] : null),
      el('h4', {}, 'Input'), el('pre', { text: prettyJson(task.input_payload) }),
      el('h4', {}, 'Output'), el('pre', { text: prettyJson(task.output_payload) }),
      task.error ? [el('h4', {}, 'Error'), el('pre', { class: 'error', text: task.error })] : null);
  }

  // Cancel or retry through the REST API, after the operator confirms; the answer is shown on the page.
  function actionButton(label, action, id, result, poller, dangerous) {
    const button = el('button', { type: 'button', class: dangerous ? 'danger' : null }, label);
    button.addEventListener('click', async () => {
      if (!window.confirm(label + '?\n\nWorkflow ' + id)) return;
      button.disabled = true;
      try {
        const answer = await request('POST', '/workflows/' + encodeURIComponent(id) + '/' + action);
        if (answer.ok) {
          setMessage(result, (action === 'cancel' ? 'Cancelled' : 'Retried') + ': the workflow is now ' + answer.data.data.status + '.', false);
        } else {
          setMessage(result, describeProblem(answer.data, label + ' failed.'), true);
        }
      } finally {
        button.disabled = false;
      }
      poller.kick();
    });
    return button;
  }

  // ---- start -------------------------------------------------------------------------------------------------------

  function startPage() {
    document.title = 'Start a workflow · GoFlow';
    const definition = el('select', { id: 'start-definition', required: true });
    const steps = el('p', { class: 'note', id: 'start-steps' });
    const input = el('textarea', { id: 'start-input', spellcheck: 'false', 'aria-describedby': 'start-input-help start-input-error' });
    input.value = '{\n  \n}';
    const inputError = el('p', { class: 'error', id: 'start-input-error', role: 'alert' });
    const key = el('input', { id: 'start-key', maxlength: '255', autocomplete: 'off', 'aria-describedby': 'start-key-help' });
    const result = el('div', { class: 'message is-error', role: 'alert', id: 'start-result' });
    const submit = el('button', { type: 'submit' }, 'Start');
    let definitions = [];

    const showSteps = () => {
      const chosen = definitions.find(d => d.name === definition.value);
      steps.textContent = chosen ? 'Steps: ' + chosen.steps.join(' → ') : '';
    };
    definition.addEventListener('change', showSteps);

    // The page's own check: JSON syntax and an object. Everything else is the API's to say.
    const checkInput = () => {
      let message = '';
      try {
        const value = JSON.parse(input.value);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) message = 'The input must be a JSON object, such as {"order_id": "A-1"}.';
      } catch (error) {
        message = 'The input is not valid JSON: ' + error.message;
      }
      inputError.textContent = message;
      input.setAttribute('aria-invalid', String(Boolean(message)));
      return !message;
    };
    input.addEventListener('input', checkInput);

    const form = el('form', { 'aria-labelledby': 'start-title', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: 'start-definition' }, 'Workflow'), definition, steps),
      el('div', { class: 'field' }, el('label', { for: 'start-input' }, 'Input (a JSON object)'),
        el('p', { class: 'note', id: 'start-input-help' }, 'The first step receives it.'), input, inputError),
      el('div', { class: 'field' }, el('label', { for: 'start-key' }, 'Idempotency-Key (optional)'),
        el('p', { class: 'note', id: 'start-key-help' }, 'The same key with the same request starts one workflow however often it is sent.'), key),
      submit, result);

    form.addEventListener('submit', async event => {
      event.preventDefault();
      result.textContent = '';
      if (!checkInput()) {
        input.focus();
        return;
      }
      submit.disabled = true;
      try {
        // The input is sent as typed (checked to be a JSON object), so numbers keep every digit.
        const body = '{"workflow_name":' + JSON.stringify(definition.value) + ',"input_payload":' + input.value + '}';
        const headers = key.value.trim() ? { 'Idempotency-Key': key.value.trim() } : {};
        const answer = await request('POST', '/workflows', body, headers);
        if (answer.ok && answer.data && answer.data.data) {
          location.assign(ROOT + '/workflows/' + encodeURIComponent(answer.data.data.id));
          return;
        }
        result.textContent = describeProblem(answer.data, 'The workflow was not started.');
      } finally {
        submit.disabled = false;
      }
    });

    main.replaceChildren(el('h1', { id: 'start-title' }, 'Start a workflow'), form);
    request('GET', API + '/definitions').then(answer => {
      if (!answer.ok) {
        result.textContent = describeProblem(answer.data, 'The definitions could not be read.');
        return;
      }
      definitions = answer.data;
      definition.replaceChildren(...definitions.map(d => el('option', { value: d.name }, d.name)));
      showSteps();
    }).catch(error => { if (!(error instanceof KeyNeeded)) showFailure(error); });
  }

  // ---- routing -----------------------------------------------------------------------------------------------------

  function notFoundPage() {
    document.title = 'Not found · GoFlow';
    main.replaceChildren(el('h1', {}, 'No such page'), el('p', {}, el('a', { href: ROOT }, 'Go to the overview')));
  }

  function route() {
    const path = location.pathname.replace(/\/+$/, '') || '/';
    for (const link of document.querySelectorAll('.site-header a')) {
      const current = link.getAttribute('href') === path ||
        (link.getAttribute('href') === ROOT + '/workflows' && path.startsWith(ROOT + '/workflows/'));
      if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    }
    const detail = /^\/dashboard\/workflows\/([^/]+)$/.exec(path);
    if (path === ROOT) overviewPage();
    else if (path === ROOT + '/workflows') listPage();
    else if (path === ROOT + '/start') startPage();
    else if (detail) {
      let id;
      try {
        id = decodeURIComponent(detail[1]);
      } catch {
        notFoundPage();
        return;
      }
      detailPage(id);
    } else notFoundPage();
  }

  route();
})();
