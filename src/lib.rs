pub mod sm2;
