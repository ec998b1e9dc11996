//! The pyo3 layer: thin wrappers that convert arguments, release the GIL while the
//! Rust core works, and convert results and errors. No logic of its own.

mod awaitable;
mod client;
mod errors;
mod exceptions;
mod export;
mod fake;
mod fake_options;
mod progress;
mod stream;
mod table;
mod wait;
mod write_args;

use pyo3::prelude::*;

/// `personio_arrow._core`.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::allocator::commit_as_needed();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::PyBlockingClient>()?;
    m.add_class::<client::PyAsyncClient>()?;
    m.add_class::<table::PyTable>()?;
    m.add_class::<stream::PyRecordBatchStream>()?;
    m.add_class::<fake::PyFakeServer>()?;
    exceptions::add_classes(m)?;
    m.add_function(wrap_pyfunction!(export::write_table, m)?)?;
    m.add_function(wrap_pyfunction!(export::write_stream, m)?)?;
    m.add_function(wrap_pyfunction!(export::format_table, m)?)?;
    Ok(())
}
