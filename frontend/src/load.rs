//! The pages' loads: a typed handle over one type-erased `LocalResource`.
//!
//! Leptos compiles its async machinery (the async derived signal, its future wrapper, its reads)
//! once per `LocalResource<T>`; with a load of about fifteen types on the pages, those copies were
//! a large part of the cabinet's wasm. Every load here is a `LocalResource` of the same erased
//! value, so that machinery is compiled once; the handle only boxes the value and casts it back.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

use crate::api::ApiError;

/// What every load holds: its value behind `dyn Any`, or why the call failed.
type Erased = Result<Rc<dyn Any>, ApiError>;
type ErasedFetch = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Erased>>>>;

/// A `LocalResource<Result<T, ApiError>>` that reads and refetches as one does.
pub struct Load<T> {
    inner: LocalResource<Erased>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Load<T> {}

impl<T: Clone + 'static> Load<T> {
    /// Runs `fetcher` now and again whenever a signal it read changes, as `LocalResource::new`.
    pub fn new<Fut>(fetcher: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let fetch = move || -> Pin<Box<dyn Future<Output = Erased>>> {
            let fut = fetcher();
            Box::pin(async move { fut.await.map(|value| Rc::new(value) as Rc<dyn Any>) })
        };
        Load { inner: erased_resource(Box::new(fetch)), ty: PhantomData }
    }

    /// The result once loaded (`None` while loading), tracked as `LocalResource::get`.
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        let erased = self.inner.get()?;
        Some(erased.map(|value| value.downcast_ref::<T>().cloned().expect("a load holds the type it was made with")))
    }

    /// Loads again.
    pub fn refetch(&self) {
        self.inner.refetch();
    }

    /// A callback that loads again («Повторить», a reload after a change).
    pub fn reloader(&self) -> Callback<()> {
        reloader(self.inner)
    }
}

/// Out of the generic impl, so every load's reloader is one closure type, compiled once.
fn reloader(inner: LocalResource<Erased>) -> Callback<()> {
    Callback::new(move |()| inner.refetch())
}

/// The one `LocalResource` the loads are made of.
fn erased_resource(fetch: ErasedFetch) -> LocalResource<Erased> {
    LocalResource::new(fetch)
}
