//! The fake's listener: loopback TCP whose connections a fault can kill.
//!
//! `connection_reset` must close a connection without a byte of answer, which an axum
//! handler cannot do by returning a response. Every accepted stream is wrapped in
//! [`FaultIo`], and the request carries its [`ConnHandle`] (as axum connect info): once
//! [`ConnHandle::kill`] is called, the next read or write of that connection fails and
//! hyper drops it, closing the socket with zero linger, i.e. a TCP RST.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// The loopback listener of a [`FakeServer`](super::FakeServer).
pub(crate) struct FaultListener(pub(crate) TcpListener);

impl Listener for FaultListener {
    type Io = FaultIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (FaultIo, SocketAddr) {
        let (inner, addr) = Listener::accept(&mut self.0).await;
        let io = FaultIo {
            inner,
            killed: Arc::new(AtomicBool::new(false)),
        };
        (io, addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// One accepted connection, with its kill switch.
pub(crate) struct FaultIo {
    inner: TcpStream,
    killed: Arc<AtomicBool>,
}

/// The kill switch of the connection a request came on (a request extension, as
/// `ConnectInfo<ConnHandle>`).
#[derive(Clone)]
pub(crate) struct ConnHandle(Arc<AtomicBool>);

impl ConnHandle {
    /// Makes the connection fail its next read or write; nothing more is sent on it.
    pub(crate) fn kill(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> ConnHandle {
        ConnHandle(stream.io().killed.clone())
    }
}

impl FaultIo {
    /// `Some(error)` once killed; arms the RST on the way.
    fn dead(&self) -> Option<io::Error> {
        if !self.killed.load(Ordering::SeqCst) {
            return None;
        }
        let _ = self.inner.set_zero_linger();
        Some(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection reset by an injected fault",
        ))
    }
}

impl AsyncRead for FaultIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(e) = this.dead() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(e) = this.dead() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(e) = this.dead() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(e) = this.dead() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(e) = this.dead() {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}
