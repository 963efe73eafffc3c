//! The demo adapters over their seeded tables, on SQLite and (with scripts/with-postgres.sh)
//! PostgreSQL: the civil registry links children to applicants, state grounds confirm
//! categories, and seeding twice changes nothing.

mod common;

use chrono::{NaiveDate, Utc};
use kezek::application::Category;
use kezek::iin::Iin;
use kezek_server::adapters::{demo_people, seed_demo_people, CivilRegistry, DemoCivilRegistry, DemoStateGrounds, StateGrounds};
use kezek_server::db::Db;

fn iin(text: &str) -> Iin {
    Iin::parse(text, today()).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

#[tokio::test]
async fn the_demo_registry_links_each_citizen_to_their_own_children_only() {
    for url in common::test_databases("adapters").await {
        let db = Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        for _ in 0..2 {
            let mut tx = db.begin_write().await.unwrap();
            seed_demo_people(&mut tx, &demo_people(), Utc::now()).await.unwrap();
            tx.commit().await.unwrap();
        }
        let links: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM civil_links").fetch_one(&db.pool).await.unwrap();
        let children: usize = demo_people().citizens.iter().map(|c| c.children.len()).sum();
        assert_eq!(links.0, children as i64, "seeding twice adds nothing");

        let registry = DemoCivilRegistry { db: db.clone() };
        let aigul = iin("920514441016");
        let children = registry.children_of(&aigul, today()).await.unwrap();
        assert_eq!(children, vec![iin("220310541020"), iin("230721641033")]);
        assert!(registry.is_linked(&aigul, &iin("230721641033"), today()).await.unwrap());
        assert!(!registry.is_linked(&aigul, &iin("211201642023"), today()).await.unwrap(), "dmitry's child is not aigul's");
        assert!(registry.children_of(&iin("900808344012"), today()).await.unwrap().is_empty(), "erlan has no linked child");

        let grounds = DemoStateGrounds { db: db.clone() };
        assert_eq!(grounds.confirmed(&iin("881103342016"), &iin("211201642023")).await.unwrap(), vec![Category::Serviceman]);
        assert_eq!(grounds.confirmed(&iin("950227443011"), &iin("220915543026")).await.unwrap(), vec![Category::SpecialNeeds]);
        assert!(grounds.confirmed(&aigul, &iin("220310541020")).await.unwrap().is_empty());

        let staff: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM staff_roles").fetch_one(&db.pool).await.unwrap();
        assert_eq!(staff.0, 3);
    }
}
