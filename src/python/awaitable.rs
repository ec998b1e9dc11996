//! Core futures as Python coroutines, for `AsyncClient`: no Python thread waits on a
//! call, and cancelling the awaiting task aborts the call.
//!
//! `Pending` speaks the coroutine protocol (`send`, `throw`, `close`, `__await__`), so
//! `await`, `asyncio.run`, `create_task` and `gather` all take it. On its first step,
//! inside the running loop, it spawns the core future on the process runtime and yields
//! an asyncio future to the task awaiting it. When the core future ends, the runtime
//! thread takes the GIL only to schedule that future's completion on the loop
//! (`call_soon_threadsafe`); the next step then turns the result into Python objects,
//! in the awaiting coroutine's frame, so warnings point at the user's `await`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::exceptions::{PyRuntimeError, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple, PyType};
use tokio::task::AbortHandle;

use crate::error::Result;
use crate::runtime::runtime;

/// What a finished call becomes in Python: the value, or the exception to raise.
type Outcome = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// A call's core future, erased to its outcome.
type Call = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// Where the runtime leaves a call's outcome for the coroutine to pick up.
type Slot = Arc<Mutex<Option<Outcome>>>;

/// Closed once the coroutine no longer wants to be woken. The runtime thread holds it
/// while it is in Python, so that once the coroutine has closed it, no runtime thread
/// is in Python for this call: the interpreter may then end (a thread taking the GIL
/// back while Python finalizes is killed, which crashes the process).
type Gate = Arc<Mutex<bool>>;

/// Where a coroutine is in its life.
enum State {
    /// Made, not yet awaited: nothing sent.
    Created(Call),
    /// Running on the runtime; `future` (asyncio) completes when the outcome is in `slot`.
    Running {
        future: Py<PyAny>,
        slot: Slot,
        gate: Gate,
        task: AbortHandle,
    },
    /// Returned, raised, cancelled or closed.
    Over,
}

/// The awaitable an `AsyncClient` method returns.
#[pyclass(module = "personio_arrow", name = "_Pending", frozen)]
pub struct Pending {
    state: Mutex<State>,
}

impl Pending {
    /// A coroutine that runs `future` when first awaited and gives what `finish` makes
    /// of its value.
    pub fn new<T, F>(future: F, finish: fn(Python<'_>, T) -> PyResult<Py<PyAny>>) -> Pending
    where
        T: Send + 'static,
        F: Future<Output = Result<T>> + Send + 'static,
    {
        let call: Call = Box::pin(async move {
            let result = future.await;
            Box::new(move |py: Python<'_>| finish(py, result?)) as Outcome
        });
        Pending {
            state: Mutex::new(State::Created(call)),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops the call, if it runs: the runtime drops its requests.
    fn end(&self) {
        // The state is let go before waiting at the gate.
        let previous = std::mem::replace(&mut *self.state(), State::Over);
        if let State::Running { task, gate, .. } = previous {
            task.abort();
            close(&gate);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.end();
    }
}

#[pymethods]
impl Pending {
    fn __await__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// One step of the coroutine; what is sent in is ignored, as by `asyncio`'s futures.
    fn send(&self, py: Python<'_>, _value: Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// Raises `exception` where the coroutine waits, after aborting the call: this is
    /// how a cancelled task reaches it.
    #[pyo3(signature = (exception, value = None, _traceback = None))]
    fn throw(
        &self,
        exception: Bound<'_, PyAny>,
        value: Option<Bound<'_, PyAny>>,
        _traceback: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        self.end();
        Err(match exception.cast::<PyType>() {
            Ok(class) => match value {
                Some(value) => PyErr::from_type(class.clone(), value.unbind()),
                None => PyErr::from_type(class.clone(), ()),
            },
            Err(_) => PyErr::from_value(exception),
        })
    }

    /// Aborts the call, if it runs.
    fn close(&self) {
        self.end();
    }
}

impl Pending {
    fn step(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let mut state = self.state();
        match &*state {
            State::Over => Err(PyRuntimeError::new_err(
                "cannot reuse already awaited coroutine",
            )),
            State::Created(_) => {
                let State::Created(call) = std::mem::replace(&mut *state, State::Over) else {
                    unreachable!("matched above")
                };
                let (future, slot, gate, task) = start(py, call)?;
                let waiting = blocking(py, &future);
                *state = State::Running {
                    future,
                    slot,
                    gate,
                    task,
                };
                waiting
            }
            State::Running {
                future, slot, gate, ..
            } => {
                let outcome = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
                match outcome {
                    None => blocking(py, future),
                    Some(outcome) => {
                        let gate = gate.clone();
                        *state = State::Over;
                        drop(state);
                        close(&gate);
                        Err(PyStopIteration::new_err((outcome(py)?,)))
                    }
                }
            }
        }
    }
}

/// Spawns `call` on the runtime; the asyncio future of the running loop it completes,
/// the slot its outcome goes to, and the handle that aborts it.
fn start(py: Python<'_>, call: Call) -> PyResult<(Py<PyAny>, Slot, Gate, AbortHandle)> {
    let event_loop = py
        .import("asyncio")?
        .call_method0("get_running_loop")?
        .unbind();
    let future = event_loop.call_method0(py, "create_future")?;
    let wake = PyCFunction::new_closure(py, None, None, wake_once)?.unbind();
    let slot: Slot = Arc::default();
    let outcome_slot = slot.clone();
    let gate: Gate = Arc::default();
    let wake_gate = gate.clone();
    let waiting = future.clone_ref(py);
    let task = runtime().spawn(async move {
        let outcome = call.await;
        *outcome_slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
        // Neither fails but when Python is shutting down or the loop is closed: nobody
        // waits any more then.
        let closed = wake_gate.lock().unwrap_or_else(|e| e.into_inner());
        if !*closed {
            Python::try_attach(|py| {
                let _ = event_loop.call_method1(py, "call_soon_threadsafe", (wake, waiting));
            });
        }
    });
    Ok((future, slot, gate, task.abort_handle()))
}

/// Completes the asyncio future passed, unless it was cancelled meanwhile.
fn wake_once(args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
    let future = args.get_item(0)?;
    if !future.call_method0("done")?.is_truthy()? {
        future.call_method1("set_result", (args.py().None(),))?;
    }
    Ok(())
}

/// `future`, marked as one the awaiting task must wait for (what `Future.__await__`
/// does before it yields itself).
fn blocking(py: Python<'_>, future: &Py<PyAny>) -> PyResult<Py<PyAny>> {
    future.setattr(py, "_asyncio_future_blocking", true)?;
    Ok(future.clone_ref(py))
}

/// Closes `gate`, waiting (without the GIL) for a runtime thread in Python to leave.
fn close(gate: &Gate) {
    Python::attach(|py| {
        py.detach(|| *gate.lock().unwrap_or_else(|e| e.into_inner()) = true);
    });
}
