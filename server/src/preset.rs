//! The whole stack in the issue's order: request context, metrics, rate
//! limits, idempotency. Context is outermost so that every answer, a 429 or
//! a 409 included, carries the request id and is measured; rate limiting
//! runs before idempotency so a flood of duplicates is turned away before
//! it reads bodies or touches the store.

use std::sync::Arc;

use tower_layer::Layer;

use crate::classify::Classifier;
use crate::context::{ContextLayer, RequestContextService};
use crate::idempotency::{
    Idempotency, IdempotencyConfig, IdempotencyLayer, IdempotencyStore, MemoryStore,
};
use crate::metrics_layer::{Metrics, MetricsConfig, MetricsLayer};
use crate::ratelimit::{MemoryLimiter, RateLimit, RateLimitConfig, RateLimitLayer, RateLimiter};

/// All four layers, composed.
///
/// ```
/// use threeam_server::{Classifier, Routes, ServerLayer};
///
/// let layer = ServerLayer::builder(Classifier::new(Routes::new(["/v1/payments"])))
///     .build()
///     .unwrap();
/// # let _ = layer;
/// ```
#[derive(Clone)]
pub struct ServerLayer {
    context: ContextLayer,
    metrics: MetricsLayer,
    rate_limit: RateLimitLayer,
    idempotency: IdempotencyLayer,
}

/// The service [`ServerLayer`] makes.
pub type ServerService<S> = RequestContextService<Metrics<RateLimit<Idempotency<S>>>>;

impl<S> Layer<S> for ServerLayer {
    type Service = ServerService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        let inner = self.idempotency.layer(inner);
        let inner = self.rate_limit.layer(inner);
        let inner = self.metrics.layer(inner);
        self.context.layer(inner)
    }
}

impl ServerLayer {
    /// Starts a stack with in-memory stores and the article's defaults.
    pub fn builder(classifier: Classifier) -> ServerLayerBuilder {
        ServerLayerBuilder {
            classifier,
            rate_limits: RateLimitConfig::default(),
            idempotency: IdempotencyConfig::default(),
            metrics: MetricsConfig::default(),
            store: None,
            limiter: None,
        }
    }
}

/// Settings for [`ServerLayer`].
pub struct ServerLayerBuilder {
    classifier: Classifier,
    rate_limits: RateLimitConfig,
    idempotency: IdempotencyConfig,
    metrics: MetricsConfig,
    store: Option<Arc<dyn IdempotencyStore>>,
    limiter: Option<Arc<dyn RateLimiter>>,
}

impl ServerLayerBuilder {
    /// Rate limits, overrides and costs.
    pub fn rate_limits(mut self, config: RateLimitConfig) -> Self {
        self.rate_limits = config;
        self
    }

    /// Idempotency settings.
    pub fn idempotency(mut self, config: IdempotencyConfig) -> Self {
        self.idempotency = config;
        self
    }

    /// Metrics settings.
    pub fn metrics(mut self, config: MetricsConfig) -> Self {
        self.metrics = config;
        self
    }

    /// A shared idempotency store (Redis) instead of memory.
    pub fn idempotency_store(mut self, store: Arc<dyn IdempotencyStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// A shared limiter (Redis) instead of memory.
    pub fn limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// The stack; `Err` says which setting cannot work.
    pub fn build(self) -> Result<ServerLayer, String> {
        let store = self
            .store
            .unwrap_or_else(|| Arc::new(MemoryStore::default()));
        let limiter = self
            .limiter
            .unwrap_or_else(|| Arc::new(MemoryLimiter::new(self.rate_limits.max_clients)));
        Ok(ServerLayer {
            context: ContextLayer::new(self.classifier.clone()),
            metrics: MetricsLayer::new(self.metrics, self.classifier.clone()),
            rate_limit: RateLimitLayer::with_shared_limiter(
                limiter,
                self.rate_limits,
                self.classifier.clone(),
            )?,
            idempotency: IdempotencyLayer::with_shared_store(
                store,
                self.idempotency,
                self.classifier,
            ),
        })
    }
}
