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
        <div>
          <label for="silence-start">Start</label>
          <input
            id="silence-start"
            type="datetime-local"
            value={times.startText}
            aria-invalid={invalid(problems.start)}
            aria-describedby={problems.start === undefined ? undefined : 'silence-start-error'}
            onInput={(e) => {
              onChange(withStart(times, e.currentTarget.value))
            }}
          />
          <FieldError id="silence-start-error" message={problems.start} />
        </div>
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
        <div>
          <label for="silence-end">End</label>
          <input
            id="silence-end"
            type="datetime-local"
            value={times.endText}
            aria-invalid={invalid(problems.end)}
            aria-describedby={problems.end === undefined ? undefined : 'silence-end-error'}
            onInput={(e) => {
              onChange(withEnd(times, e.currentTarget.value))
            }}
          />
          <FieldError id="silence-end-error" message={problems.end} />
        </div>
      </div>
    </fieldset>
  )
}
