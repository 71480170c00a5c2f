//! Starting `stackgen dev`: the checks on its plan, then one phase per kind of work — the warm
//! execution environments, the queue and stream pollers, the local schedules and the gateway.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{
    DevConfig, DevError, DevServer, LogSink, QueueMapping, apigw, gateway, invoke, mail, plan,
    queues, roles, runtime, schedules, streams,
};

type Pools = HashMap<String, Arc<runtime::Pool>>;

/// What the running phases share: the log sink, the shutdown signal and the tasks to join.
struct Running {
    logs: LogSink,
    shutdown: CancellationToken,
    tasks: JoinSet<()>,
}

impl Running {
    /// Stops what was started so far, for a start that fails part-way.
    async fn abandon(mut self) {
        self.shutdown.cancel();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Starts everything and returns once the gateway listens and every execution environment
/// has started (or `start_timeout` passed).
pub async fn start(config: DevConfig) -> Result<DevServer, DevError> {
    let site = check(&config)?;
    let width = config
        .functions
        .iter()
        .map(|f| f.id.len())
        .chain(["gateway".len()])
        .max()
        .unwrap_or(8);
    let (logs, writer) = LogSink::start(config.logs.clone(), width);
    let bind = |source| DevError::Bind {
        addr: config.listen,
        source,
    };
    let listener = TcpListener::bind(config.listen).await.map_err(bind)?;
    let addr = listener.local_addr().map_err(bind)?;
    let invoke_listener = bind_invoke(config.invoke_listen, &logs).await?;
    hold_to_roles(&config, &logs).await;
    let mut run = Running {
        logs,
        shutdown: CancellationToken::new(),
        tasks: JoinSet::new(),
    };
    let pools = match start_pools(&config, &mut run).await {
        Ok(pools) => pools,
        Err(e) => {
            run.abandon().await;
            return Err(e);
        }
    };
    let handover = match poll_queues(&config, &pools, &mut run).await {
        Ok(handover) => handover,
        Err(e) => {
            run.abandon().await;
            return Err(e);
        }
    };
    poll_streams(&config, &pools, &mut run).await;
    run_schedules(&pools, &mut run);
    let gateway = gateway(&config, site, &pools, &run, addr.port()).await;
    run.tasks
        .spawn(gateway::serve(gateway, listener, run.shutdown.clone()));
    let invoke_addr = serve_invoke(&config, invoke_listener, &pools, &mut run);
    wait_started(&config, &pools, &run.logs).await;
    Ok(DevServer {
        addr,
        invoke_addr,
        shutdown: run.shutdown,
        tasks: run.tasks,
        logs: run.logs,
        writer: Some(writer),
        pools,
        handover,
    })
}

/// Holds each function's key to its role on the emulator ([`roles`]), saying what is not.
async fn hold_to_roles(config: &DevConfig, logs: &LogSink) {
    let source = Arc::from("iam");
    for note in &config.roles.notes {
        logs.line(&source, note.clone());
    }
    // Sent even when empty: the emulator forgets an earlier run's keys.
    match roles::install(&config.emulator, &config.roles).await {
        roles::Installed::Enforced(0) => {}
        roles::Installed::Enforced(count) => logs.line(
            &source,
            format!("{count} functions act with their roles' policies: a call a role does not allow is refused with AccessDenied, as in AWS"),
        ),
        roles::Installed::NotEnforced(why) => logs.line(
            &source,
            format!("functions' calls are not checked against their roles: {why}"),
        ),
    }
}

/// The Invoke API's listener, bound before anything starts so that a port asked for and taken
/// fails the start; a default one taken gives way to a free port.
async fn bind_invoke(
    listen: Option<invoke::InvokeListen>,
    logs: &LogSink,
) -> Result<Option<TcpListener>, DevError> {
    let Some(invoke::InvokeListen { addr, or_free_port }) = listen else {
        return Ok(None);
    };
    let bound = match TcpListener::bind(addr).await {
        Err(source) if or_free_port => {
            logs.line(
                &Arc::from("dev"),
                format!("{addr} is taken ({source}): Lambda's Invoke API listens on another port (below); --lambda-port chooses one"),
            );
            TcpListener::bind(SocketAddr::new(addr.ip(), 0)).await
        }
        other => other,
    };
    bound
        .map(Some)
        .map_err(|source| DevError::BindInvoke { addr, source })
}

/// Lambda's Invoke API over every function's pool ([`invoke`]), where it listens.
fn serve_invoke(
    config: &DevConfig,
    listener: Option<TcpListener>,
    pools: &Pools,
    run: &mut Running,
) -> Option<SocketAddr> {
    let listener = listener?;
    let addr = listener.local_addr().ok()?;
    let api = invoke::InvokeApi::new(
        &config.functions,
        pools.clone(),
        &config.gateway.account_id,
        run.logs.clone(),
        (config.async_retry_delays.clone(), run.shutdown.clone()),
    );
    run.tasks
        .spawn(invoke::serve(Arc::new(api), listener, run.shutdown.clone()));
    Some(addr)
}

/// The storefront exists and every route's function is in the plan.
fn check(config: &DevConfig) -> Result<gateway::site::Site, DevError> {
    if !config.ui_dir.is_dir() {
        return Err(DevError::MissingUi(config.ui_dir.clone()));
    }
    let site = gateway::site::Site::new(&config.ui_dir, &config.site)
        .map_err(|_| DevError::MissingUi(config.ui_dir.clone()))?;
    for route in retail_spec::ROUTES {
        if !config.functions.iter().any(|f| f.id == route.function.id) {
            return Err(DevError::RouteWithoutFunction {
                route: route.route_key(),
                function: route.function.id.to_owned(),
            });
        }
    }
    Ok(site)
}

/// Each function's pool of warm execution environments.
async fn start_pools(config: &DevConfig, run: &mut Running) -> Result<Pools, DevError> {
    let mut pools = HashMap::new();
    for function in &config.functions {
        let spec = runtime::WorkerSpec {
            function_id: function.id.clone(),
            function_arn: function.arn.clone(),
            binary: function.binary.clone(),
            memory_mb: function.memory_mb,
            timeout: function.timeout,
            environment: plan::process_environment(function, &config.emulator),
            log_source: Arc::from(function.id.as_str()),
        };
        let pool = runtime::Pool::start(
            spec,
            config.pool_size,
            &run.logs,
            &run.shutdown,
            &mut run.tasks,
        )
        .await?;
        pools.insert(function.id.clone(), Arc::new(pool));
    }
    Ok(pools)
}

/// One poller per enabled queue mapping, after taking the mappings over from the emulator's
/// own Lambda (given back on shutdown).
async fn poll_queues(
    config: &DevConfig,
    pools: &Pools,
    run: &mut Running,
) -> Result<Option<(aws_sdk_lambda::Client, queues::Handover)>, DevError> {
    let mappings: Vec<QueueMapping> = config
        .queues
        .iter()
        .filter(|m| m.enabled)
        .cloned()
        .collect();
    if let Some(orphan) = mappings
        .iter()
        .find(|m| !pools.contains_key(&m.function_id))
    {
        return Err(DevError::MappingWithoutFunction {
            function: orphan.function_id.clone(),
            queue: orphan.queue_url.clone(),
        });
    }
    if mappings.is_empty() {
        return Ok(None);
    }
    let sdk = config.emulator.sdk_config().await;
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    let handover =
        queues::Handover::take(&lambda, &mappings, &run.logs, config.logs.dir.as_deref()).await;
    for mapping in mappings {
        let Some(pool) = pools.get(&mapping.function_id) else {
            continue;
        };
        // Lambda's poller reads the queue with the function's role: so does this one.
        let key = plan::function_key_id(&config.emulator, &mapping.function_id);
        let sqs = aws_sdk_sqs::Client::new(&config.emulator.sdk_config_as(&key).await);
        run.tasks.spawn(queues::poll(
            mapping,
            Arc::clone(pool),
            sqs,
            config.emulator.region.clone(),
            run.logs.clone(),
            run.shutdown.clone(),
        ));
    }
    Ok(Some((lambda, handover)))
}

/// One poller per table stream mapping, and the outbox watcher that shows what the order
/// notifier (fed by the streams) sends.
async fn poll_streams(config: &DevConfig, pools: &Pools, run: &mut Running) {
    if config.streams.is_empty() {
        return;
    }
    let sdk = config.emulator.sdk_config().await;
    let lookup = aws_sdk_dynamodbstreams::Client::new(&sdk);
    for mapping in config.streams.iter().cloned() {
        let Some(pool) = pools.get(&mapping.function_id) else {
            continue;
        };
        // The stream is read with the function's key, as Lambda reads it with its role.
        let key = plan::function_key_id(&config.emulator, &mapping.function_id);
        let clients = streams::StreamClients {
            lookup: lookup.clone(),
            read: aws_sdk_dynamodbstreams::Client::new(&config.emulator.sdk_config_as(&key).await),
        };
        run.tasks.spawn(streams::poll(
            mapping,
            Arc::clone(pool),
            clients,
            config.emulator.region.clone(),
            run.logs.clone(),
            run.shutdown.clone(),
        ));
    }
    run.tasks.spawn(mail::watch(
        config.emulator.endpoint_url.clone(),
        run.logs.clone(),
        run.shutdown.clone(),
    ));
}

/// A local timer for each scheduled function whose expression is a rate.
fn run_schedules(pools: &Pools, run: &mut Running) {
    for spec in retail_spec::FUNCTIONS {
        let (retail_spec::Trigger::Schedule { expression }, Some(pool)) =
            (spec.trigger, pools.get(spec.id))
        else {
            continue;
        };
        let Some(every) = schedules::period(expression) else {
            run.logs.line(
                &Arc::from("dev"),
                format!(
                    "{}: the schedule {expression} does not run locally",
                    spec.id
                ),
            );
            continue;
        };
        run.logs.line(
            &Arc::from("dev"),
            format!("{} runs on its schedule, {expression}", spec.id),
        );
        run.tasks.spawn(schedules::run(
            Arc::clone(pool),
            every,
            run.logs.clone(),
            run.shutdown.clone(),
        ));
    }
}

/// The HTTP gateway: the storefront, the API routes (behind the user pool's JWT authorizer)
/// and the buckets the CDN serves.
async fn gateway(
    config: &DevConfig,
    site: gateway::site::Site,
    pools: &Pools,
    run: &Running,
    port: u16,
) -> Arc<gateway::Gateway> {
    let authorizer = apigw::jwt::JwtAuthorizer::for_user_pool(
        &config.emulator.endpoint_url,
        &config.emulator.region,
        &config.user_pool.pool_id,
        &config.user_pool.client_id,
    );
    let sdk = config.emulator.sdk_config().await;
    let emulator_s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    Arc::new(gateway::Gateway {
        identity: config.gateway.clone(),
        site,
        authorizer,
        emulator_endpoint: config.emulator.endpoint_url.clone(),
        served_buckets: config.served_buckets.clone(),
        emulator_s3,
        pools: pools.clone(),
        integration_timeout: config.integration_timeout,
        logs: run.logs.clone(),
        log_source: Arc::from("gateway"),
        port,
        // The back office posts photos straight to the emulator's S3.
        security_headers: crate::storefront::security_headers(
            &config.emulator.region,
            config.emulator.endpoint_url.trim_end_matches('/'),
        ),
        origin_values: gateway::origin_values(&config.functions),
    })
}

/// Waits for every pool's environments, saying which did not start in time.
async fn wait_started(config: &DevConfig, pools: &Pools, logs: &LogSink) {
    for pool in pools.values() {
        if !pool.wait_started(config.start_timeout).await {
            logs.line(
                &Arc::from(pool.function_id()),
                format!(
                    "not every execution environment started within {} s; requests wait for them",
                    config.start_timeout.as_secs()
                ),
            );
        }
    }
}
