use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    clickpay::telemetry::init("info,sqlx=warn", std::io::stdout);
    clickpay::cli::run(clickpay::cli::Cli::parse()).await
}
