// The matchers editor: one row per matcher (name, operator, value, remove), checked as the user
// types, plus a text field that takes a whole list as Alertmanager writes it. Pasting such a
// list into a name input does the same, since that is where people paste it.
import type { TargetedClipboardEvent, TargetedKeyboardEvent } from 'preact'
import { useEffect, useState } from 'preact/hooks'

import { OPERATORS, parseMatcherList } from './matchers'
import type { MatcherOperator } from './matchers'
import { newRow, rowProblem } from './silence-form-model'
import type { MatcherRow } from './silence-form-model'

/** MatchersEditorProps: the rows, and the list-level messages shown under them. */
export interface MatchersEditorProps {
  readonly rows: readonly MatcherRow[]
  readonly onChange: (rows: MatcherRow[]) => void
  /** Alertmanager's silence-level rule, when broken. */
  readonly ruleProblem: string | undefined
  /** The node's refusal of these matchers (from the preview), when it refused them. */
  readonly refusal: string | undefined
  /** Text for the "Matchers as text" field, e.g. a ?filter= the form could not read. */
  readonly initialText?: string
}

const OPERATOR_TITLES: Readonly<Record<MatcherOperator, string>> = {
  '=': 'equals',
  '!=': 'does not equal',
  '=~': 'matches regex',
  '!~': 'does not match regex',
}

// A pasted text is taken as a matcher list only when it has an operator, which no label name has.
const HAS_OPERATOR = /[=~]/

function rowId(row: MatcherRow, part: string): string {
  return `matcher-${row.key}-${part}`
}

function MatcherRowFields(props: {
  readonly row: MatcherRow
  readonly index: number
  readonly onEdit: (row: MatcherRow) => void
  readonly onRemove: () => void
  readonly onPasteList: (rows: MatcherRow[]) => void
}) {
  const { row, index } = props
  const problem = rowProblem(row)
  const errorId = rowId(row, 'error')
  const n = index + 1
  const pasted = (event: TargetedClipboardEvent<HTMLInputElement>) => {
    const text = event.clipboardData?.getData('text/plain') ?? ''
    if (!HAS_OPERATOR.test(text)) {
      return
    }
    const parsed = parseMatcherList(text)
    if (parsed.ok && parsed.matchers.length > 0) {
      event.preventDefault()
      props.onPasteList(parsed.matchers.map((m) => newRow(m)))
    }
  }
  return (
    <li class="sf-matcher">
      <input
        id={rowId(row, 'name')}
        aria-label={`Label name of matcher ${n}`}
        placeholder="label name"
        autocomplete="off"
        spellcheck={false}
        value={row.name}
        aria-invalid={problem?.field === 'name' ? 'true' : undefined}
        aria-describedby={problem?.field === 'name' ? errorId : undefined}
        onInput={(e) => {
          props.onEdit({ ...row, name: e.currentTarget.value })
        }}
        onPaste={pasted}
      />
      <select
        aria-label={`Operator of matcher ${n}`}
        value={row.operator}
        onChange={(e) => {
          props.onEdit({ ...row, operator: e.currentTarget.value as MatcherOperator })
        }}
      >
        {OPERATORS.map((op) => (
          <option key={op} value={op} title={OPERATOR_TITLES[op]}>
            {op}
          </option>
        ))}
      </select>
      <input
        id={rowId(row, 'value')}
        aria-label={`Value of matcher ${n}`}
        placeholder="value"
        autocomplete="off"
        spellcheck={false}
        value={row.value}
        aria-invalid={problem?.field === 'value' ? 'true' : undefined}
        aria-describedby={problem?.field === 'value' ? errorId : undefined}
        onInput={(e) => {
          props.onEdit({ ...row, value: e.currentTarget.value })
        }}
      />
      <button type="button" aria-label={`Remove matcher ${n}`} onClick={props.onRemove}>
        Remove
      </button>
      {problem === undefined ? null : (
        <p class="field-error" id={errorId}>
          Matcher {n}: {problem.message}
        </p>
      )}
    </li>
  )
}

/** MatchersEditor edits the matcher rows of a silence. */
export function MatchersEditor(props: MatchersEditorProps) {
  const { rows, onChange } = props
  const [text, setText] = useState(props.initialText ?? '')
  const [textProblem, setTextProblem] = useState<string | undefined>(undefined)
  // The row whose name input gets focus after it was added (keyboard users keep their place).
  const [focusKey, setFocusKey] = useState<number | undefined>(undefined)

  useEffect(() => {
    if (focusKey !== undefined) {
      document.getElementById(`matcher-${focusKey}-name`)?.focus()
      setFocusKey(undefined)
    }
  }, [focusKey])

  const replaceAt = (index: number, replacement: MatcherRow[]) => {
    const next = [...rows.slice(0, index), ...replacement, ...rows.slice(index + 1)]
    // Keep one row to type into: an editor with no inputs would leave nothing to focus.
    onChange(next.length === 0 ? [newRow()] : next)
  }
  const applyText = () => {
    const parsed = parseMatcherList(text)
    if (!parsed.ok) {
      setTextProblem(parsed.message)
      return
    }
    if (parsed.matchers.length === 0) {
      setTextProblem('There is no matcher in this text.')
      return
    }
    setTextProblem(undefined)
    setText('')
    onChange(parsed.matchers.map((m) => newRow(m)))
  }
  const textKey = (e: TargetedKeyboardEvent<HTMLInputElement>) => {
    // Enter applies the list here instead of submitting the whole form.
    if (e.key === 'Enter') {
      e.preventDefault()
      applyText()
    }
  }

  return (
    <fieldset class="sf-matchers" aria-describedby="matchers-help">
      <legend>Matchers</legend>
      <p id="matchers-help" class="muted">
        The silence mutes alerts whose labels match all of these. Regex operators (=~, !~) match the
        whole value.
      </p>
      <ul class="sf-matcher-list">
        {rows.map((row, index) => (
          <MatcherRowFields
            key={row.key}
            row={row}
            index={index}
            onEdit={(edited) => {
              replaceAt(index, [edited])
            }}
            onRemove={() => {
              replaceAt(index, [])
            }}
            onPasteList={(pasted) => {
              replaceAt(index, pasted)
            }}
          />
        ))}
      </ul>
      <button
        type="button"
        onClick={() => {
          const row = newRow()
          onChange([...rows, row])
          setFocusKey(row.key)
        }}
      >
        Add matcher
      </button>
      {props.ruleProblem === undefined ? null : (
        <p class="field-error" id="matchers-rule">
          {props.ruleProblem}
        </p>
      )}
      {props.refusal === undefined ? null : (
        <div class="error" role="alert" id="matchers-refusal">
          <strong>The node refuses these matchers: </strong>
          {props.refusal}
        </div>
      )}
      <label for="matchers-text">Matchers as text</label>
      <div class="row">
        <input
          id="matchers-text"
          class="sf-matchers-text"
          placeholder='{alertname="Disk", instance=~"db-.*"}'
          autocomplete="off"
          spellcheck={false}
          value={text}
          aria-invalid={textProblem === undefined ? undefined : 'true'}
          aria-describedby={
            textProblem === undefined ? 'matchers-text-help' : 'matchers-text-error'
          }
          onInput={(e) => {
            setText(e.currentTarget.value)
            setTextProblem(undefined)
          }}
          onKeyDown={textKey}
        />
        <button type="button" onClick={applyText}>
          Replace matchers
        </button>
      </div>
      {textProblem === undefined ? (
        <p id="matchers-text-help" class="muted sf-hint">
          Paste a list as Alertmanager writes it; it replaces the rows above.
        </p>
      ) : (
        <p class="field-error" id="matchers-text-error">
          {textProblem}
        </p>
      )}
    </fieldset>
  )
}
