// Start, end and duration: the end can be given either as a time or as a Go-style duration
// (amtool's and Alertmanager's `2h`, `1d3h`), and editing one rewrites the other.
import { withDuration, withEnd, withStart } from './silence-form-model'
import type { TimeFields, TimeProblems } from './silence-form-model'

function FieldError(props: { readonly id: string; readonly message: string | undefined }) {
  return props.message === undefined ? null : (
    <p class="field-error" id={props.id}>
      {props.message}
    </p>
  )
}

function invalid(problem: string | undefined): 'true' | undefined {
  return problem === undefined ? undefined : 'true'
}

/** DateTimeField is one labelled local date-time input with its error. */
function DateTimeField(props: {
  readonly id: string
  readonly label: string
  readonly value: string
  readonly problem: string | undefined
  readonly onInput: (value: string) => void
}) {
  const errorId = `${props.id}-error`
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="datetime-local"
        value={props.value}
        aria-invalid={invalid(props.problem)}
        aria-describedby={props.problem === undefined ? undefined : errorId}
        onInput={(e) => {
          props.onInput(e.currentTarget.value)
        }}
      />
      <FieldError id={errorId} message={props.problem} />
    </div>
  )
}

/** TimesFields edits when the silence starts and ends. */
export function TimesFields(props: {
  readonly times: TimeFields
  readonly problems: TimeProblems
  readonly onChange: (times: TimeFields) => void
}) {
  const { times, problems, onChange } = props
  return (
    <fieldset class="sf-times">
      <legend>When</legend>
      <div class="sf-time-grid">
        <DateTimeField
          id="silence-start"
          label="Start"
          value={times.startText}
          problem={problems.start}
          onInput={(value) => {
            onChange(withStart(times, value))
          }}
        />
        <div>
          <label for="silence-duration">Duration</label>
          <input
            id="silence-duration"
            class="sf-duration"
            value={times.durationText}
            placeholder="2h"
            autocomplete="off"
            spellcheck={false}
            aria-invalid={invalid(problems.duration)}
            aria-describedby={
              problems.duration === undefined ? 'silence-duration-help' : 'silence-duration-error'
            }
            onInput={(e) => {
              onChange(withDuration(times, e.currentTarget.value))
            }}
          />
          {problems.duration === undefined ? (
            <p class="muted sf-hint" id="silence-duration-help">
              e.g. 30m, 2h, 1d3h, 1w
            </p>
          ) : (
            <FieldError id="silence-duration-error" message={problems.duration} />
          )}
        </div>
        <DateTimeField
          id="silence-end"
          label="End"
          value={times.endText}
          problem={problems.end}
          onInput={(value) => {
            onChange(withEnd(times, value))
          }}
        />
      </div>
    </fieldset>
  )
}
